# drawn by ofapt study; run `gnuplot convergence-vqa-bars.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "convergence-vqa-bars.svg"
set title "convergence: vqa" noenhanced
set xlabel "" noenhanced
set ylabel "accuracy (val, mean ± sd)" noenhanced
set grid ytics
set key below noenhanced
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
unset key
set xrange [-0.6:4.6]
set xtics rotate by -25 noenhanced ("paper: lr 3e-2, warmup 6 %%, init N(0, 0.02)" 0, "lr 1e-1" 1, "zero-init prompts" 2, "init from activations" 3, "no warmup" 4)
plot "convergence-vqa-bars.dat" using 1:2:3 with boxerrorbars lc rgb '#4c72b0'
