# drawn by ofapt study; run `gnuplot robustness-refcoco-fgsm-embedding.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "robustness-refcoco-fgsm-embedding.svg"
set title "robustness: refcoco under fgsm (embedding space)" noenhanced
set xlabel "epsilon (fraction of the position's RMS)" noenhanced
set ylabel "Acc@0.5" noenhanced
set grid ytics
set key below noenhanced
plot "robustness-refcoco-fgsm-embedding.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "robustness-refcoco-fgsm-embedding.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "robustness-refcoco-fgsm-embedding.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "robustness-refcoco-fgsm-embedding.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "robustness-refcoco-fgsm-embedding.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "robustness-refcoco-fgsm-embedding.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
