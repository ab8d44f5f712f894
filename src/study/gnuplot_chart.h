// Charts drawn by gnuplot (Debian's gnuplot-nox): a data file and a script are written beside the
// SVG, so a reader can restyle or redraw a plot without rerunning the study.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct ChartSeries {
  std::string title;
  std::vector<double> x, y;
  std::vector<double> error;  // +- per point (standard deviation over seeds); empty = none
};

struct Chart {
  std::string title, x_label, y_label;
  // Bars: one bar per series (its single point), labelled with the series title. Lines otherwise.
  bool bars = false;
  std::vector<ChartSeries> series;
};

// Writes <stem>.dat and <stem>.gp and runs gnuplot to make <stem>.svg. Returns false, keeping the
// two files, when gnuplot is not installed; throws Error(kIo) when it fails on the script.
bool draw_chart(const Chart& chart, const std::string& stem);

// Whether a gnuplot program is on PATH.
bool gnuplot_available();

}  // namespace ofapt
