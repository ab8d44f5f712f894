# drawn by ofapt study; run `gnuplot snli_ve-snli_ve-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "snli_ve-snli_ve-curve-seconds.svg"
set title "snli_ve: snli_ve learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "snli_ve-snli_ve-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "paper recipe (lr 3e-2, random init)", \
     "snli_ve-snli_ve-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "init from activations"
