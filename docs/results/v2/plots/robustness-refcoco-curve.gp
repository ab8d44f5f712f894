# drawn by ofapt study; run `gnuplot robustness-refcoco-curve.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "robustness-refcoco-curve.svg"
set title "robustness: refcoco learning curves (mean over seeds)" noenhanced
set xlabel "updates" noenhanced
set ylabel "Acc@0.5 (val)" noenhanced
set grid ytics
set key below noenhanced
plot "robustness-refcoco-curve.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "robustness-refcoco-curve.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "robustness-refcoco-curve.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "robustness-refcoco-curve.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "robustness-refcoco-curve.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "robustness-refcoco-curve.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
