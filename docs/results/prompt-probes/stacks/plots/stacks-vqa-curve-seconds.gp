# drawn by ofapt study; run `gnuplot stacks-vqa-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "stacks-vqa-curve-seconds.svg"
set title "stacks: vqa learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "stacks-vqa-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "both stacks, lr 0.03", \
     "stacks-vqa-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "encoder only, lr 0.03", \
     "stacks-vqa-curve-seconds.dat" index 2 using 1:2 with linespoints lw 2 title "encoder only, lr 0.3"
