# drawn by ofapt study; run `gnuplot input-position-snli_ve-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "input-position-snli_ve-curve-seconds.svg"
set title "input-position: snli_ve learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "input-position-snli_ve-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "input prompt, prefix", \
     "input-position-snli_ve-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "input prompt, middle", \
     "input-position-snli_ve-curve-seconds.dat" index 2 using 1:2 with linespoints lw 2 title "input prompt, end"
