# drawn by ofapt study; run `gnuplot methods-vqa-bars.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-vqa-bars.svg"
set title "methods: vqa" noenhanced
set xlabel "" noenhanced
set ylabel "accuracy (val, mean ± sd)" noenhanced
set grid ytics
set key below noenhanced
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
unset key
set xrange [-0.6:1.6]
set xtics rotate by -25 noenhanced ("prompt (paper recipe)" 0, "finetune" 1)
plot "methods-vqa-bars.dat" using 1:2:3 with boxerrorbars lc rgb '#4c72b0'
