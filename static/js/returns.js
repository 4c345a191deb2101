// Monthly-return entry: Tab/Enter move between cells, drafts save themselves, and a copy kept in
// localStorage means nothing typed is lost to a reload, a validation error or a dropped connection.
(function () {
  "use strict";

  var form = document.getElementById("return-form");
  if (!form) return;

  var AUTOSAVE_DELAY = 1500;
  var RETRY_DELAY = 15000;
  var editable = form.dataset.editable === "1";
  var storageKey = form.dataset.storageKey;
  var versionInput = document.getElementById("id_version");
  var statusEl = document.getElementById("autosave-status");
  var timer = null;
  var inflight = null;
  var again = false;
  var editsSinceSave = 0;
  var stopped = false; // after a conflict or a lock only an explicit save may write

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll("input.cell, input.comment"));
  }

  function snapshot() {
    var data = {};
    fields().forEach(function (input) { data[input.name] = input.value; });
    return data;
  }

  function say(text, kind) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = kind || "muted";
  }

  function now() {
    return new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  // --- Local backup ------------------------------------------------------------------------

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function backup() {
    var store = storage();
    if (!store || !editable) return;
    try {
      store.setItem(storageKey, JSON.stringify({
        values: snapshot(), baseVersion: versionInput.value, savedAt: Date.now()
      }));
    } catch (e) { /* quota or private mode: the server copy still exists */ }
  }

  function dropBackup() {
    var store = storage();
    if (store) store.removeItem(storageKey);
  }

  function restore() {
    var store = storage();
    var raw = store && store.getItem(storageKey);
    if (!raw) return;
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { dropBackup(); return; }
    var current = snapshot();
    var differs = Object.keys(saved.values || {}).some(function (name) {
      return name in current && saved.values[name] !== current[name];
    });
    if (!differs) {
      if (form.dataset.unsaved !== "1") dropBackup();
      return;
    }
    var banner = document.getElementById("restore-banner");
    var when = new Date(saved.savedAt).toLocaleString("zh-CN", { hour12: false });
    if (!editable) {
      banner.hidden = false;
      document.getElementById("restore-text").textContent =
        "本机保存有此报表 " + when + " 未提交的草稿，但报表当前不可编辑。";
      return;
    }
    fields().forEach(function (input) {
      if (input.name in saved.values) input.value = saved.values[input.name];
    });
    // Edits made on top of an older version must be checked against whatever was saved since.
    versionInput.value = saved.baseVersion;
    banner.hidden = false;
    document.getElementById("restore-text").textContent =
      "已恢复您在本机 " + when + " 填写但尚未保存到服务器的数值，将自动保存。";
    document.getElementById("restore-discard").addEventListener("click", function () {
      dropBackup();
      window.location.reload();
    });
    schedule();
  }

  // --- Messages next to cells and at the top -----------------------------------------------

  function showFindings(errors, warnings) {
    errors = errors || {};
    warnings = warnings || {};
    var list = document.getElementById("findings-list");
    var box = document.getElementById("findings");
    list.textContent = "";
    form.querySelectorAll("tr[data-code]").forEach(function (row) {
      var code = row.dataset.code;
      var msg = document.getElementById("msg_" + code);
      var input = document.getElementById("v_" + code);
      var label = row.querySelector("th label").textContent;
      msg.textContent = "";
      (errors[code] || []).forEach(function (text) { add(msg, list, "error", label, text, code); });
      (warnings[code] || []).forEach(function (text) { add(msg, list, "warning", label, text, code); });
      row.classList.toggle("has-error", !!(errors[code] || []).length);
      row.classList.toggle("has-warning", !(errors[code] || []).length && !!(warnings[code] || []).length);
      if ((errors[code] || []).length) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    box.hidden = !list.children.length;
  }

  function add(msg, list, kind, label, text, code) {
    var div = document.createElement("div");
    div.className = kind;
    div.textContent = text;
    msg.appendChild(div);
    var li = document.createElement("li");
    li.className = kind;
    var a = document.createElement("a");
    a.href = "#v_" + code;
    a.textContent = label;
    li.appendChild(a);
    li.appendChild(document.createTextNode("：" + text));
    list.appendChild(li);
  }

  function showConflict(data) {
    var box = document.getElementById("conflict");
    if (!box) {
      box = document.createElement("div");
      box.id = "conflict";
      box.className = "conflict card";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = data.message;
    Object.keys(data.theirs || {}).forEach(function (code) {
      var cell = document.getElementById("v_" + code);
      if (!cell) return;
      var old = cell.parentNode.querySelector(".theirs");
      if (old) old.remove();
      var div = document.createElement("div");
      div.className = "theirs";
      div.textContent = "对方数值：" + (data.theirs[code] || "（空）");
      cell.insertAdjacentElement("afterend", div);
    });
    // The user has now seen the other values; an explicit 保存草稿 overwrites them deliberately.
    versionInput.value = data.version;
  }

  // --- Autosave ----------------------------------------------------------------------------

  function schedule() {
    if (!editable || stopped) return;
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY);
  }

  function save() {
    if (stopped) return null;
    if (inflight) { again = true; return inflight; }
    var sentEdits = editsSinceSave;
    say("正在保存…");
    inflight = fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (result.status === 200) {
        versionInput.value = data.version;
        showFindings({}, data.warnings);
        say("已自动保存 " + data.saved_at, "ok");
        if (editsSinceSave === sentEdits) dropBackup();
      } else if (result.status === 400) {
        showFindings(data.errors, data.warnings);
        say("有错误，未保存到服务器（本机已备份）：" + data.message, "error");
      } else if (data.conflict) {
        stopped = true;
        showConflict(data);
        say("他人已修改此报表，自动保存已暂停", "error");
      } else {
        stopped = true;
        say(data.message || "保存失败", "error");
      }
    }).catch(function () {
      say("网络连接中断，草稿已保存在本机，恢复后自动重试（" + now() + "）", "warning");
      setTimeout(schedule, RETRY_DELAY);
    }).then(function () {
      inflight = null;
      if (again) { again = false; schedule(); }
    });
    return inflight;
  }

  // --- Keyboard ----------------------------------------------------------------------------

  form.addEventListener("keydown", function (ev) {
    var target = ev.target;
    if (ev.key !== "Enter" || target.tagName !== "INPUT" || ev.isComposing || ev.keyCode === 229) return;
    // Enter moves down the column like a spreadsheet instead of submitting the form.
    ev.preventDefault();
    var selector = target.classList.contains("comment") ? "input.comment" : "input.cell";
    var column = Array.prototype.slice.call(form.querySelectorAll(selector));
    var next = column[column.indexOf(target) + (ev.shiftKey ? -1 : 1)];
    if (next) { next.focus(); next.select(); }
  });

  // --- Wiring ------------------------------------------------------------------------------

  form.addEventListener("input", function (ev) {
    if (!editable || !ev.target.matches("input.cell, input.comment")) return;
    editsSinceSave += 1;
    backup();
    say("有未保存的修改");
    schedule();
  });

  form.addEventListener("submit", function (ev) {
    clearTimeout(timer);
    if (inflight) {
      // Let the autosave finish first, so the explicit save carries the version it produced.
      ev.preventDefault();
      var submitter = ev.submitter;
      inflight.then(function () { form.requestSubmit(submitter); });
      return;
    }
    backup();
  });

  document.querySelectorAll(".accept-suggestion").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.target);
      input.value = button.dataset.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  });

  window.addEventListener("online", function () { if (editsSinceSave) schedule(); });

  restore();
})();
