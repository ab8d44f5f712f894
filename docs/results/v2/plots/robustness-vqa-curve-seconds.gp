# drawn by ofapt study; run `gnuplot robustness-vqa-curve-seconds.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "robustness-vqa-curve-seconds.svg"
set title "robustness: vqa learning curves (mean over seeds)" noenhanced
set xlabel "training seconds" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "robustness-vqa-curve-seconds.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "robustness-vqa-curve-seconds.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "robustness-vqa-curve-seconds.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "robustness-vqa-curve-seconds.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "robustness-vqa-curve-seconds.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "robustness-vqa-curve-seconds.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
