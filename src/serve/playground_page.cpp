#include "serve/playground_page.h"

namespace ofapt {

const std::string& playground_page() {
  static const std::string page = R"page(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ofapt playground</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  label { display: block; margin: 0.6rem 0 0.2rem; }
  input, select, button { font: inherit; }
  #answer { font-size: 1.3rem; min-height: 1.6rem; }
  #answer.error { color: #b00020; }
  canvas { min-width: 16rem; max-width: 100%; border: 1px solid #ccc; image-rendering: pixelated; }
  pre { background: #f4f4f4; padding: 0.5rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>ofapt playground</h1>
<p>One frozen model, many prompt-tuned tasks. Choose a picture, a task and one of your tuned tasks
(or the base model); the answer comes from this server's JSON API, as any client would get it.</p>
<form id="ask">
  <label>API key (leave empty if the server has none)
    <input id="key" type="password" autocomplete="off"></label>
  <label>Task
    <select id="endpoint">
      <option value="caption">caption: describe the picture</option>
      <option value="vqa">vqa: answer a question</option>
      <option value="ground">ground: find what the text names</option>
      <option value="entail">entail: is the statement true of the picture?</option>
    </select></label>
  <label>Tuned task
    <select id="tuned"><option value="">(base model)</option></select>
    <button type="button" id="refresh">list my tasks</button></label>
  <label id="text-label"><span id="text-name">Text</span>
    <input id="text" size="60"></label>
  <label>Picture (JPEG or PNG)
    <input id="image" type="file" accept="image/jpeg,image/png" required></label>
  <p><button id="run" type="submit">Ask</button></p>
</form>
<p id="answer"></p>
<canvas id="canvas" width="0" height="0"></canvas>
<pre id="reply"></pre>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
// The request field that carries each task's text (the caption task has none), and its label.
const textField = { vqa: "question", ground: "text", entail: "hypothesis" };
const textLabel = { vqa: "Question", ground: "What to find", entail: "Statement" };

function authorization() {
  const key = $("key").value;
  return key ? { Authorization: "Bearer " + key } : {};
}

function showTextField() {
  const field = textField[$("endpoint").value];
  $("text-label").hidden = !field;
  $("text-name").textContent = textLabel[$("endpoint").value] || "";
}

function base64Of(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function listTasks() {
  const select = $("tuned");
  const chosen = select.value;
  select.length = 1;
  const reply = await fetch("/v1/tasks", { headers: authorization() });
  if (!reply.ok) return;
  for (const task of (await reply.json()).tasks) {
    select.add(new Option(task.name + " (version " + task.version + ")", task.name));
  }
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

// The picture, and the box (image pixels) when there is one.
async function draw(blob, box) {
  const picture = await createImageBitmap(blob);
  const canvas = $("canvas");
  canvas.width = picture.width;
  canvas.height = picture.height;
  const context = canvas.getContext("2d");
  context.drawImage(picture, 0, 0);
  if (!box) return;
  context.strokeStyle = "#ffff00";
  context.lineWidth = Math.max(2, Math.round(picture.width / 64));
  context.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
}

// Asks the server about `blob` with the form's choices; shows and returns the reply.
async function ask(blob) {
  const endpoint = $("endpoint").value;
  const body = { image: await base64Of(blob) };
  if (textField[endpoint]) body[textField[endpoint]] = $("text").value;
  if ($("tuned").value) body.tuned_task = $("tuned").value;
  $("answer").textContent = "asking...";
  const reply = await fetch("/v1/" + endpoint, {
    method: "POST",
    headers: { ...authorization(), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await reply.json();
  const answer = $("answer");
  answer.className = reply.ok ? "" : "error";
  if (!reply.ok) answer.textContent = json.error;
  else if (endpoint === "ground") answer.textContent = json.box ? "box " + json.box.map(Math.round).join(", ") : "no box";
  else answer.textContent = endpoint === "caption" ? json.caption : json.answer;
  answer.dataset.status = reply.status;
  $("reply").textContent = JSON.stringify(json, null, 2);
  await draw(blob, reply.ok && endpoint === "ground" ? json.box : null);
  return json;
}

// A test picture painted here: a red square and a blue circle on grey, 128 x 128.
function testPicture() {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 128;
  const context = canvas.getContext("2d");
  context.fillStyle = "#808080";
  context.fillRect(0, 0, 128, 128);
  context.fillStyle = "#ff0000";
  context.fillRect(16, 20, 40, 40);
  context.fillStyle = "#0000ff";
  context.beginPath();
  context.arc(90, 86, 22, 0, 2 * Math.PI);
  context.fill();
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

async function selfTest(parameters) {
  $("key").value = parameters.get("key") || "";
  $("endpoint").value = parameters.get("selftest");
  showTextField();
  $("text").value = parameters.get("text") || "";
  await listTasks();
  $("tuned").value = parameters.get("tuned") || "";
  const json = await ask(await testPicture());
  if (json.box) {
    // Is the box's corner painted? (the canvas really shows the box)
    const canvas = $("canvas");
    const x = Math.min(canvas.width - 1, Math.max(0, Math.round(json.box[0])));
    const y = Math.min(canvas.height - 1, Math.max(0, Math.round(json.box[1])));
    const [r, g, b] = canvas.getContext("2d").getImageData(x, y, 1, 1).data;
    $("canvas").dataset.boxCorner = r > 200 && g > 200 && b < 60 ? "drawn" : "missing";
  }
}

$("endpoint").addEventListener("change", showTextField);
$("refresh").addEventListener("click", listTasks);
$("ask").addEventListener("submit", (event) => {
  event.preventDefault();
  ask($("image").files[0]).catch((error) => ($("answer").textContent = String(error)));
});
showTextField();
const parameters = new URLSearchParams(location.search);
if (parameters.has("selftest")) {
  let done = false;
  selfTest(parameters)
    .catch((error) => ($("answer").textContent = "self-test failed: " + error))
    .finally(() => {
      document.body.dataset.selftest = "done";
      done = true;
    });
  // Headless Chromium's --virtual-time-budget runs ahead while no fetch is pending, and painting,
  // reading and decoding the picture happen off this thread: a chain of /healthz fetches holds
  // virtual time until the self-test is done.
  (async () => {
    while (!done) await fetch("/healthz");
  })();
} else {
  listTasks();
}
</script>
</body>
</html>
)page";
  return page;
}

}  // namespace ofapt
