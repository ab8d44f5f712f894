// The web playground that `ofapt serve` serves at /playground: one static page that calls the same
// JSON API as any client (choose a picture, a task and one of your tuned tasks; see the caption, the
// answer or the box drawn on the picture). Nothing runs on the server that a curl call could not ask.
//
// `/playground?selftest=<caption|vqa|ground|entail>[&key=K][&tuned=NAME][&text=T]` paints a test
// picture in the browser and asks it through the page's own upload path, then marks the page
// (body data-selftest="done"): how tests/serve drives the page in headless Chromium.
#pragma once

#include <string>

namespace ofapt {

// The page: HTML with its script and style inline, so it needs no other file.
const std::string& playground_page();

}  // namespace ofapt
