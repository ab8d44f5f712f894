// The synthetic world's pictures: a few flat shapes of named colours and sizes on a textured,
// noisy background. A scene is pure data (what is where); render_scene draws it. Everything
// derives from one seed through splitmix64, so a scene and its pixels are the same everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image/rgb_image.h"

namespace ofapt::world {

enum class Shape { kSquare, kCircle, kTriangle, kDiamond };
inline constexpr int kShapeCount = 4;
inline constexpr int kColorCount = 7;  // red green blue yellow purple orange white

const std::string& shape_name(Shape shape);   // "square", "circle", "triangle", "diamond"
const std::string& color_name(int color);     // "red", ..., "white"
const std::vector<std::string>& shape_names();
const std::vector<std::string>& color_names();

struct SceneObject {
  Shape shape;
  int color;       // index into color_names()
  bool large;      // size class: "large" vs "small"
  int cx, cy;      // centre, pixels
  int radius;      // half the side of its bounding square, pixels
  // Bounding box in pixels, [x0, x1) x [y0, y1): the grounding target.
  int x0() const { return cx - radius; }
  int y0() const { return cy - radius; }
  int x1() const { return cx + radius; }
  int y1() const { return cy + radius; }
};

struct Scene {
  int size = 128;                   // the image is size x size
  std::vector<SceneObject> objects; // in drawing order; placement keeps every object mostly visible
  int texture = 0;                  // background pattern: 0 plain, 1 stripes, 2 checks, 3 dots
};

// 2..max_objects objects, never overlapping by more than a little, fully inside the image.
Scene make_scene(uint64_t seed, int size, int max_objects = 5);

// Gradient background in muted colours, its texture, the shapes (with slight shading), then noise.
RgbImage render_scene(const Scene& scene, uint64_t seed);

}  // namespace ofapt::world
