// The portal works without JavaScript; this only helps: a link shown in full (a read-only
// field of class "url") selects all of itself when focused or clicked, ready to copy.
"use strict";
for (const type of ["focusin", "click"]) {
  document.addEventListener(type, (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.readOnly && t.classList.contains("url")) {
      t.select();
    }
  });
}
