# drawn by ofapt study; run `gnuplot methods-vqa-fgsm-embedding.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-vqa-fgsm-embedding.svg"
set title "methods: vqa under fgsm (embedding space)" noenhanced
set xlabel "epsilon (fraction of the position's RMS)" noenhanced
set ylabel "accuracy" noenhanced
set grid ytics
set key below noenhanced
plot "methods-vqa-fgsm-embedding.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)", \
     "methods-vqa-fgsm-embedding.dat" index 1 using 1:2 with linespoints lw 2 title "finetune"
