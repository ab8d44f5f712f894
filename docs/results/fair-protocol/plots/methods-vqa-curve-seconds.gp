# drawn by ofapt study; run `gnuplot methods-vqa-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-vqa-curve-seconds.svg"
set title "methods: vqa learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "methods-vqa-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "methods-vqa-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "finetune"
