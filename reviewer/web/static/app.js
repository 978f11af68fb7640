/* 审核助手 web pages. Plain JavaScript, served by the service itself (no CDN). */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) {
      if (r.status === 401) {  // the session ended: 登录已过期, then back to this page
        location.href = "/web/signin?expired=1&next=" + encodeURIComponent(location.pathname + location.search);
      }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }
  function seconds(s) {
    if (s === null || s === undefined) { return "计算中"; }
    s = Math.round(s);
    if (s < 60) { return s + " 秒"; }
    var m = Math.floor(s / 60);
    return m < 60 ? m + " 分 " + (s % 60) + " 秒" : Math.floor(m / 60) + " 小时 " + (m % 60) + " 分";
  }

  // Drag-and-drop onto a drop zone fills its file input.
  $all(".dropzone").forEach(function (zone) {
    var input = document.getElementById(zone.getAttribute("data-input"));
    var chosen = $(".chosen", zone);
    function show() {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      chosen.textContent = names.length ? "已选择：" + names.join("、") : "";
    }
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  });

  // Waiting for one review: poll until it is finished, then show it.
  var wait = $("#review-wait");
  if (wait) {
    var started = Date.now();
    var tick = function () {
      $("#elapsed").textContent = Math.round((Date.now() - started) / 1000);
      getJSON(wait.getAttribute("data-status-url")).then(function (st) {
        $("#review-status").textContent = st.status_zh;
        if (st.finished) { location.reload(); } else { setTimeout(tick, 1000); }
      }).catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 500);
  }

  // The review page: a finding click scrolls the framed draft to its marks and flashes them.
  var frame = $("#draft-frame");
  if (frame) {
    var marksOf = function (doc, i) {
      return $all('[data-anchors^="a' + i + '-"],[data-anchors*=" a' + i + '-"]', doc);
    };
    var select = function (item) {
      $all(".finding.current").forEach(function (e) { e.classList.remove("current"); });
      item.classList.add("current");
      var doc = frame.contentDocument;
      if (!doc) { return; }
      $all(".active", doc).forEach(function (e) { e.classList.remove("active"); });
      var marks = marksOf(doc, item.getAttribute("data-index"));
      marks.forEach(function (e) { e.classList.add("active"); });
      if (marks.length) { marks[0].scrollIntoView({block: "center"}); }
      document.body.setAttribute("data-jumped", item.getAttribute("data-index"));
    };
    $all(".finding").forEach(function (item) {
      item.addEventListener("click", function (e) { if (!e.target.closest("a,button,summary,textarea,form")) { select(item); } });
      item.addEventListener("keydown", function (e) { if (e.key === "Enter" && e.target === item) { select(item); } });
    });
    // A click on a mark in the draft shows its finding in the panel.
    frame.addEventListener("load", function () {
      frame.contentDocument.addEventListener("click", function (e) {
        var el = e.target.closest("[data-anchors]");
        if (!el) { return; }
        var i = el.getAttribute("data-anchors").split(" ")[0].split("-")[0].slice(1);
        var item = document.getElementById("finding-" + i);
        if (item) { item.scrollIntoView({block: "nearest"}); select(item); }
      }, true);
      document.body.setAttribute("data-frame-ready", "1");
    });
    var sev = $("#severity-filter");
    if (sev) {
      sev.addEventListener("change", function () {
        $all(".finding").forEach(function (f) {
          f.classList.toggle("hidden", !!sev.value && f.getAttribute("data-severity") !== sev.value);
        });
      });
    }
  }

  // A PDF draft shown as its own pages (issue 15): a finding click scrolls to the page it is on.
  var pages = $("#pdf-pages");
  if (pages) {
    $all(".finding[data-pages]").forEach(function (item) {
      item.addEventListener("click", function (e) {
        if (e.target.closest("a,button,summary,textarea,form")) { return; }
        $all(".finding.current").forEach(function (x) { x.classList.remove("current"); });
        item.classList.add("current");
        var first = (item.getAttribute("data-pages") || "").split(" ")[0];
        var target = first && document.getElementById("page-" + first);
        $all(".pdf-page.current").forEach(function (x) { x.classList.remove("current"); });
        if (target) { target.classList.add("current"); target.scrollIntoView({block: "start"}); }
      });
    });
  }

  // Batch page: live counts, bar and ETA; reload when the batch is done (table gets agencies, downloads).
  var batch = $("#batch");
  if (batch) {
    var bar = $("#batch-bar");
    var paint = function (p) {
      ["queued", "running", "done", "failed", "skipped"].forEach(function (k) { $("#count-" + k).textContent = p.counts[k]; });
      var total = Math.max(1, p.total);
      $(".done", bar).style.width = (100 * p.counts.done / total) + "%";
      $(".failed", bar).style.width = (100 * p.counts.failed / total) + "%";
      $(".skipped", bar).style.width = (100 * p.counts.skipped / total) + "%";
      $("#eta").textContent = p.status === "done" ? "0 秒" : seconds(p.eta_seconds);
      $("#batch-status").textContent = p.status_zh;
      p.items.forEach(function (it) {
        var row = it.review_id && $('tr[data-item="' + it.review_id + '"]');
        if (row) {
          $(".state", row).textContent = it.status_zh;
          row.setAttribute("data-status", it.status);
          // counts only once reviewed: a queued row shows no 0 errors
          $(".errors", row).textContent = it.counts ? it.counts.error : "";
          $(".warnings", row).textContent = it.counts ? it.counts.warning : "";
        }
      });
    };
    var poll = function () {
      getJSON(batch.getAttribute("data-progress-url")).then(function (p) {
        paint(p);
        if (p.status === "done") {
          if (batch.getAttribute("data-status") !== "done") { location.reload(); }
        } else { setTimeout(poll, 1500); }
      }).catch(function () { setTimeout(poll, 3000); });
    };
    poll();
  }

  // Sortable tables (click a header) and the filters above the reports table.
  $all("table.sortable").forEach(function (table) {
    $all("th[data-sort]", table).forEach(function (th, col) {
      th.addEventListener("click", function () {
        var desc = !th.classList.contains("desc");
        $all("th", table).forEach(function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(desc ? "desc" : "asc");
        var num = th.getAttribute("data-sort") === "num";
        var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[idx].textContent.trim(), y = b.cells[idx].textContent.trim();
          var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh-CN");
          return desc ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var filter = $("#table-filter"), statusFilter = $("#status-filter"), kindFilter = $("#kind-filter");
  var applyFilter = function () {
    var q = filter.value.trim().toLowerCase(), st = statusFilter.value, kind = kindFilter ? kindFilter.value : "";
    $all("#reports tbody tr").forEach(function (r) {
      var okText = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      var okStatus = !st || (st === "with-errors" ? parseInt(r.getAttribute("data-errors"), 10) > 0
                                                  : r.getAttribute("data-status") === st);
      var okKind = !kind || r.getAttribute("data-kind") === kind;
      r.classList.toggle("hidden", !(okText && okStatus && okKind));
    });
  };
  if (filter) { filter.addEventListener("input", applyFilter); statusFilter.addEventListener("change", applyFilter); }
  if (kindFilter) { kindFilter.addEventListener("change", applyFilter); }

  // Board: a live countdown to the end (24时, Beijing) of the nearest deadline.
  var countdown = $("#countdown");
  if (countdown) {
    var end = new Date(countdown.getAttribute("data-deadline") + "T24:00:00+08:00");
    if (isNaN(end)) { end = new Date(Date.parse(countdown.getAttribute("data-deadline") + "T16:00:00Z") + 0); }
    var paintCountdown = function () {
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60);
      $("#countdown-text").textContent = d + " 天 " + h + " 小时 " + m + " 分";
    };
    paintCountdown();
    setInterval(paintCountdown, 30000);
  }

  // Forms that carry a draft: before posting, make sure the session is still alive. If it ended, say
  // 登录已过期 and let the person sign in in another tab: the chosen file and the pasted text stay here.
  $all("form[data-keeps-draft]").forEach(function (form) {
    var text = $("textarea", form), key = "reviewer-draft:" + location.pathname;
    if (text && !text.value && window.sessionStorage && sessionStorage.getItem(key)) {
      text.value = sessionStorage.getItem(key);  // a draft pasted before the session ended
    }
    if (text && window.sessionStorage) {
      text.addEventListener("input", function () { sessionStorage.setItem(key, text.value); });
    }
    var checked = false;
    form.addEventListener("submit", function (e) {
      if (checked) { if (window.sessionStorage) { sessionStorage.removeItem(key); } return; }
      e.preventDefault();
      fetch("/web/session.json", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.status === 401) {
            var box = $(".session-expired", form);
            box.hidden = false;
            $("a", box).href = "/web/signin?expired=1&next=" + encodeURIComponent("/web/signed-in");
            return;
          }
          return r.json().then(function (st) {
            $("input[name=csrf_token]", form).value = st.csrf;  // a new session has a new token
            checked = true;
            form.requestSubmit ? form.requestSubmit() : form.submit();
          });
        }).catch(function () { checked = true; form.submit(); });
    });
  });

  // Board: tick every unit shown (after filtering) for the feedback package.
  var selectAll = $("#select-all");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      $all("#reports tbody tr").forEach(function (r) {
        var box = $("input[name=unit]", r);
        if (box && !r.classList.contains("hidden")) { box.checked = selectAll.checked; }
      });
    });
  }
})();
