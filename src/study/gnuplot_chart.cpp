#include "study/gnuplot_chart.h"

#include <cstdio>
#include <sstream>

#include "util/error.h"
#include "util/file.h"
#include "util/subprocess.h"

namespace ofapt {
namespace {

// A double-quoted gnuplot string (backslashes and quotes escaped); shown as is (noenhanced).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool gnuplot_available() {
  static const bool available = [] {  // asked once per process: a report draws a dozen charts
    try {
      return run_process({"gnuplot", "--version"}).exit_code == 0;
    } catch (const Error&) {
      return false;
    }
  }();
  return available;
}

bool draw_chart(const Chart& chart, const std::string& stem) {
  // One data block per series (gnuplot's `index`), separated by two blank lines.
  std::ostringstream data;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    const auto& series = chart.series[s];
    data << "# " << series.title << "\n";
    for (size_t i = 0; i < series.x.size(); ++i) {
      data << number(chart.bars ? static_cast<double>(s) : series.x[i]) << " " << number(series.y[i]) << " "
           << number(i < series.error.size() ? series.error[i] : 0.0) << "\n";
    }
    data << "\n\n";
  }
  const std::string data_name = file_name(stem) + ".dat";
  std::ostringstream script;
  script << "# drawn by ofapt study; run `gnuplot " << file_name(stem) << ".gp` in this directory to redraw\n"
         << "set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'\n"
         << "set output " << quoted(file_name(stem) + ".svg") << "\n"
         << "set title " << quoted(chart.title) << " noenhanced\n"
         << "set xlabel " << quoted(chart.x_label) << " noenhanced\n"
         << "set ylabel " << quoted(chart.y_label) << " noenhanced\n"
         << "set grid ytics\nset key below noenhanced\n";
  if (chart.bars) {
    script << "set style fill solid 0.6 border -1\nset boxwidth 0.6\nset yrange [0:*]\nunset key\n"
           << "set xrange [-0.6:" << number(static_cast<double>(chart.series.size()) - 0.4) << "]\n"
           << "set xtics rotate by -25 noenhanced (";
    for (size_t s = 0; s < chart.series.size(); ++s) {
      // Tic labels are format strings to gnuplot: a literal % is %%.
      std::string label;
      for (const char c : chart.series[s].title) label += c == '%' ? std::string("%%") : std::string(1, c);
      script << (s ? ", " : "") << quoted(label) << " " << s;
    }
    script << ")\nplot " << quoted(data_name) << " using 1:2:3 with boxerrorbars lc rgb '#4c72b0'\n";
  } else {
    script << "plot ";
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const bool errors = !chart.series[s].error.empty();
      script << (s ? ", \\\n     " : "") << quoted(data_name) << " index " << s
             << (errors ? " using 1:2:3 with yerrorlines" : " using 1:2 with linespoints") << " lw 2 title "
             << quoted(chart.series[s].title);
    }
    script << "\n";
  }
  write_file_atomic(stem + ".dat", data.str());
  write_file_atomic(stem + ".gp", script.str());
  if (!gnuplot_available()) return false;
  // gnuplot resolves the file names in the script against its working directory: run it there.
  const std::string directory = stem.find('/') == std::string::npos ? "." : stem.substr(0, stem.find_last_of('/'));
  const auto result =
      run_process({"sh", "-c", "cd \"$1\" && exec gnuplot \"$2\"", "sh", directory, file_name(stem) + ".gp"});
  OFAPT_CHECK(result.exit_code == 0, ErrorKind::kIo, stem, ".gp: gnuplot failed: ", result.errors);
  return true;
}

}  // namespace ofapt
