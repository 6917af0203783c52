// Complaint Desk Mini App: fills the page from the server's HTML fragments.
// Inside Telegram every call carries the signed initData; in a browser the session
// cookie goes by itself and POSTs add the CSRF token. No inline scripts (CSP).
"use strict";

(function () {
  const tg = window.Telegram && window.Telegram.WebApp;
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const initData = (tg && tg.initData) || hash.get("tgWebAppData") || "";
  const root = document.getElementById("app");
  let csrf = "";

  function theme() {
    let params = (tg && tg.themeParams) || {};
    if (!tg || !tg.initData) {
      try { params = JSON.parse(hash.get("tgWebAppThemeParams") || "{}"); } catch (e) { params = {}; }
    }
    const style = document.documentElement.style;
    Object.keys(params).forEach(function (key) {
      style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), params[key]);
    });
    let scheme = tg && tg.colorScheme;
    if (!tg || !tg.initData) {
      const bg = params.bg_color;
      scheme = bg ? (brightness(bg) < 128 ? "dark" : "light")
        : (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    }
    document.documentElement.dataset.theme = scheme || "light";
  }

  function brightness(hex) {
    const n = parseInt(hex.replace("#", ""), 16);
    return ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000;
  }

  function headers() {
    const h = {};
    if (initData) { h.Authorization = "tma " + initData; }
    if (csrf) { h["X-CSRF-Token"] = csrf; }
    return h;
  }

  function call(url, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: headers() }, options || {});
    return fetch(url, opts).then(function (response) {
      if (response.status === 401) { signedOut(); throw new Error("signed out"); }
      return response;
    });
  }

  function signedOut() {
    root.hidden = true;
    document.getElementById("signed-out").hidden = false;
  }

  function say(text, bad) {
    const box = document.getElementById("message");
    box.textContent = text;
    box.hidden = !text;
    box.classList.toggle("bad", !!bad);
  }

  function startParam() {
    return new URLSearchParams(initData).get("start_param") || "";
  }

  function source() {
    const view = root.dataset.view;
    const number = root.dataset.number || startParam();
    if (view === "case" || (view === "start" && number)) {
      root.dataset.number = number;
      return "/app/api/case/" + encodeURIComponent(number);
    }
    const query = new URLSearchParams(window.location.search).toString();
    return "/app/api/dashboard" + (query ? "?" + query : "");
  }

  function load(url) {
    return call(url || source()).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) { say(message(body), true); return; }
        root.innerHTML = body;
        const section = root.querySelector("[data-csrf]");
        csrf = (section && section.dataset.csrf) || csrf;
        images();
        document.body.dataset.ready = "yes";
      });
    }).catch(function () {});
  }

  function message(body) {
    try { return JSON.parse(body).message || body; } catch (e) { return body; }
  }

  function images() {
    root.querySelectorAll("img[data-src]").forEach(function (img) {
      call(img.dataset.src).then(function (response) {
        return response.ok ? response.blob() : null;
      }).then(function (blob) {
        if (blob) { img.src = URL.createObjectURL(blob); img.dataset.loaded = "yes"; }
      }).catch(function () {});
    });
  }

  function submit(form) {
    const number = form.dataset.number || root.dataset.number;
    const url = "/app/api/case/" + encodeURIComponent(number) + "/" + form.dataset.action;
    const reveal = form.dataset.action === "reveal";
    call(url, { method: "POST", body: new FormData(form) }).then(function (response) {
      return response.text().then(function (body) {
        if (reveal && response.ok) { root.innerHTML = body; images(); return; }
        say(message(body), !response.ok);
        if (response.ok) { return load(); }
      });
    }).catch(function () {});
  }

  root.addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    if (form.id === "period") {
      const query = new URLSearchParams(new FormData(form)).toString();
      window.history.replaceState(null, "", "?" + query + window.location.hash);
      load();
    } else if (form.classList.contains("act")) {
      submit(form);
    } else if (form.classList.contains("signin")) {
      const number = root.dataset.number;
      const url = "/app/api/signin-link" + (number ? "?case=" + encodeURIComponent(number) : "");
      call(url, { method: "POST" }).then(function (response) {
        return response.text().then(function (body) { say(message(body), !response.ok); });
      }).catch(function () {});
    }
  });

  root.addEventListener("click", function (event) {
    const link = event.target.closest("a");
    if (!link) { return; }
    if (link.classList.contains("case-link")) {
      event.preventDefault();
      window.location.href = link.getAttribute("href") + window.location.hash;
    } else if (link.classList.contains("download") && initData) {
      event.preventDefault();
      call(link.dataset.src).then(function (r) { return r.blob(); }).then(function (blob) {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "report.xlsx";
        a.click();
      }).catch(function () {});
    }
  });

  theme();
  if (tg) { tg.ready(); tg.expand(); }
  load();
})();
