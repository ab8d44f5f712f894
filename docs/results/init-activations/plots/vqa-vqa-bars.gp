# drawn by ofapt study; run `gnuplot vqa-vqa-bars.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "vqa-vqa-bars.svg"
set title "vqa: vqa" noenhanced
set xlabel "" noenhanced
set ylabel "accuracy (val, mean ± sd)" noenhanced
set grid ytics
set key below noenhanced
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
unset key
set xrange [-0.6:1.6]
set xtics rotate by -25 noenhanced ("paper recipe (lr 3e-2, random init)" 0, "init from activations" 1)
plot "vqa-vqa-bars.dat" using 1:2:3 with boxerrorbars lc rgb '#4c72b0'
