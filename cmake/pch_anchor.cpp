// Anchors a target that has no sources yet; it defines nothing.
