# drawn by ofapt study; run `gnuplot methods-caption-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-caption-curve-seconds.svg"
set title "methods: caption learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "CIDEr-D (val)" noenhanced
set grid ytics
set key below noenhanced
plot "methods-caption-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "methods-caption-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "methods-caption-curve-seconds.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "methods-caption-curve-seconds.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "methods-caption-curve-seconds.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "methods-caption-curve-seconds.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
