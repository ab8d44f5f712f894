# drawn by ofapt study; run `gnuplot length-vqa-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "length-vqa-curve-seconds.svg"
set title "length: vqa learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "length-vqa-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=10", \
     "length-vqa-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=16", \
     "length-vqa-curve-seconds.dat" index 2 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=30", \
     "length-vqa-curve-seconds.dat" index 3 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=64", \
     "length-vqa-curve-seconds.dat" index 4 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=100", \
     "length-vqa-curve-seconds.dat" index 5 using 1:2 with linespoints lw 2 title "prompt:depth=both,length=120"
