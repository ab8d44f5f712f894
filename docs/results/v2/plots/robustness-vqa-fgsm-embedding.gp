# drawn by ofapt study; run `gnuplot robustness-vqa-fgsm-embedding.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "robustness-vqa-fgsm-embedding.svg"
set title "robustness: vqa under fgsm (embedding space)" noenhanced
set xlabel "epsilon (fraction of the position's RMS)" noenhanced
set ylabel "accuracy" noenhanced
set grid ytics
set key below noenhanced
plot "robustness-vqa-fgsm-embedding.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "robustness-vqa-fgsm-embedding.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "robustness-vqa-fgsm-embedding.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "robustness-vqa-fgsm-embedding.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "robustness-vqa-fgsm-embedding.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "robustness-vqa-fgsm-embedding.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
