# drawn by ofapt study; run `gnuplot methods-vqa-fgsm-pixel.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-vqa-fgsm-pixel.svg"
set title "methods: vqa under fgsm (pixel space)" noenhanced
set xlabel "epsilon (1/255)" noenhanced
set ylabel "accuracy" noenhanced
set grid ytics
set key below noenhanced
plot "methods-vqa-fgsm-pixel.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "methods-vqa-fgsm-pixel.dat" index 1 using 1:2 with linespoints lw 2 title "finetune"
