# drawn by ofapt study; run `gnuplot robustness-snli_ve-pgd-pixel.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "robustness-snli_ve-pgd-pixel.svg"
set title "robustness: snli_ve under pgd (pixel space)" noenhanced
set xlabel "epsilon (1/255)" noenhanced
set ylabel "accuracy" noenhanced
set grid ytics
set key below noenhanced
plot "robustness-snli_ve-pgd-pixel.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "robustness-snli_ve-pgd-pixel.dat" index 1 using 1:2 with linespoints lw 2 title "prompt, init from activations", \
     "robustness-snli_ve-pgd-pixel.dat" index 2 using 1:2 with linespoints lw 2 title "finetune (lr 5e-4)", \
     "robustness-snli_ve-pgd-pixel.dat" index 3 using 1:2 with linespoints lw 2 title "adapter", \
     "robustness-snli_ve-pgd-pixel.dat" index 4 using 1:2 with linespoints lw 2 title "bitfit", \
     "robustness-snli_ve-pgd-pixel.dat" index 5 using 1:2 with linespoints lw 2 title "lora"
