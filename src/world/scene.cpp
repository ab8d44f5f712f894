#include "world/scene.h"

#include <algorithm>
#include <cstdlib>

#include "util/error.h"
#include "util/random.h"

namespace ofapt::world {
namespace {

struct Rgb {
  int r, g, b;
};

// Saturated, well separated colours; the background stays muted so no shape blends into it.
constexpr Rgb kColors[kColorCount] = {{220, 40, 40},  {40, 180, 60},  {50, 80, 220}, {235, 210, 40},
                                      {150, 60, 190}, {245, 140, 30}, {245, 245, 245}};

bool inside(Shape shape, int dx, int dy, int r) {
  switch (shape) {
    case Shape::kSquare:
      return true;
    case Shape::kCircle:
      return dx * dx + dy * dy <= r * r;
    case Shape::kDiamond:
      return std::abs(dx) + std::abs(dy) <= r;
    case Shape::kTriangle:  // apex up, base at the bottom of the box
      return 2 * std::abs(dx) <= dy + r;
  }
  return false;
}

uint8_t clamp_byte(int value) { return static_cast<uint8_t>(std::clamp(value, 0, 255)); }

}  // namespace

const std::vector<std::string>& shape_names() {
  static const std::vector<std::string> names = {"square", "circle", "triangle", "diamond"};
  return names;
}
const std::vector<std::string>& color_names() {
  static const std::vector<std::string> names = {"red", "green", "blue", "yellow", "purple", "orange", "white"};
  return names;
}
const std::string& shape_name(Shape shape) { return shape_names().at(static_cast<int>(shape)); }
const std::string& color_name(int color) { return color_names().at(color); }

Scene make_scene(uint64_t seed, int size, int max_objects) {
  OFAPT_CHECK(size >= 32 && size <= 1024, ErrorKind::kUsage, "world image size ", size, " is outside 32..1024");
  OFAPT_CHECK(max_objects >= 2, ErrorKind::kUsage, "a world scene needs room for at least 2 objects");
  SplitMix64 rng(seed);
  Scene scene;
  scene.size = size;
  scene.texture = rng.below(4);
  const int wanted = rng.between(2, max_objects);
  // Radii scale with the image: small 6-9 %, large 13-18 % of the side.
  for (int attempt = 0; attempt < 200 && static_cast<int>(scene.objects.size()) < wanted; ++attempt) {
    SceneObject object;
    object.shape = static_cast<Shape>(rng.below(kShapeCount));
    object.color = rng.below(kColorCount);
    object.large = rng.chance(50);
    object.radius = object.large ? rng.between(size * 13 / 100, size * 18 / 100)
                                 : rng.between(size * 6 / 100, size * 9 / 100);
    object.cx = rng.between(object.radius + 1, size - object.radius - 2);
    object.cy = rng.between(object.radius + 1, size - object.radius - 2);
    // Centres far enough apart that at most a sliver of either shape is covered.
    const bool clear = std::none_of(scene.objects.begin(), scene.objects.end(), [&](const SceneObject& other) {
      const int dx = other.cx - object.cx, dy = other.cy - object.cy;
      const int gap = (other.radius + object.radius) * 9 / 10;
      return dx * dx + dy * dy < gap * gap;
    });
    if (clear) scene.objects.push_back(object);
  }
  return scene;
}

RgbImage render_scene(const Scene& scene, uint64_t seed) {
  SplitMix64 rng(seed);
  const int size = scene.size;
  RgbImage image(size, size);
  // Muted background: mid greys with a tint, a diagonal gradient between two of them.
  auto muted = [&] {
    const int base = rng.between(70, 150);
    return Rgb{base + rng.between(-20, 20), base + rng.between(-20, 20), base + rng.between(-20, 20)};
  };
  const Rgb from = muted(), to = muted();
  const int period = rng.between(6, 14);
  const int span = 2 * (size - 1);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const int t = x + y;
      int shade = 0;
      switch (scene.texture) {
        case 1: shade = (y / period) % 2 == 0 ? 12 : -12; break;
        case 2: shade = ((x / period) + (y / period)) % 2 == 0 ? 12 : -12; break;
        case 3: shade = (x % period == period / 2 && y % period == period / 2) ? 25 : 0; break;
        default: break;
      }
      uint8_t* p = image.at(x, y);
      p[0] = clamp_byte((from.r * (span - t) + to.r * t) / span + shade);
      p[1] = clamp_byte((from.g * (span - t) + to.g * t) / span + shade);
      p[2] = clamp_byte((from.b * (span - t) + to.b * t) / span + shade);
    }
  }
  for (const SceneObject& object : scene.objects) {
    const Rgb color = kColors[object.color];
    const int light = rng.between(-15, 15);  // each object a little lighter or darker
    for (int y = object.y0(); y < object.y1(); ++y) {
      for (int x = object.x0(); x < object.x1(); ++x) {
        if (!inside(object.shape, x - object.cx, y - object.cy, object.radius)) continue;
        uint8_t* p = image.at(x, y);
        p[0] = clamp_byte(color.r + light);
        p[1] = clamp_byte(color.g + light);
        p[2] = clamp_byte(color.b + light);
      }
    }
  }
  for (auto& channel : image.pixels) channel = clamp_byte(channel + rng.between(-6, 6));
  return image;
}

}  // namespace ofapt::world
