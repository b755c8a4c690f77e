# Plot of the timing=broadwell-ep calibration against pcie-bench
# (Neugebauer et al., SIGCOMM 2018).  Input: the rows written by
#   build/hw/intel-vtd/bench-vtd-calib --data calib.dat
# (window_kib model_on published_on model_off model_on_2m).
#   gnuplot -e "data='calib.dat'; out='calib.png'" docs/timing/calib.gp
if (!exists("data")) data = 'calib.dat'
if (!exists("out")) out = 'calib.png'
set terminal pngcairo size 900,540 font ",11"
set output out
set title "64 B random DMA reads, 4 KiB mappings: model (timing=broadwell-ep) vs pcie-bench"
set xlabel "window (KiB)"
set ylabel "Gb/s"
set logscale x 2
set xrange [128:131072]
set yrange [0:32]
set key bottom left
set grid
# Published IOMMU-off band and +-15% around the published IOMMU-on points.
plot data using 1:($3*0.85):($3*1.15) with filledcurves lc rgb "#dde8f5" \
       title "published IOMMU on +-15%", \
     27.7 with lines dt 2 lc rgb "#888888" title "published IOMMU off 27.7-28.1", \
     28.1 with lines dt 2 lc rgb "#888888" notitle, \
     data using 1:3 with linespoints pt 7 lc rgb "#1f4e9c" title "published IOMMU on", \
     data using 1:2 with linespoints pt 5 lc rgb "#c0392b" title "model IOMMU on", \
     data using 1:4 with linespoints pt 4 lc rgb "#555555" title "model IOMMU off", \
     data using 1:5 with linespoints pt 6 lc rgb "#27ae60" title "model IOMMU on, 2 MiB pages"
