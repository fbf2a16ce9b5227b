// tiexi: the pages' only script (the CSP allows no inline script: src/web/headers.rs).
'use strict';

// The home page: copy the cumulative sentence (复制).
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('copy-summary');
  if (!button) {
    return;
  }
  button.addEventListener('click', function () {
    var text = document.getElementById('summary');
    text.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text.value);
    } else {
      document.execCommand('copy');
    }
    button.textContent = '已复制';
  });
});

// Phones: each list table's cells carry their column's name (data-label), so that the
// stylesheet can show a row as a card headed cell by cell (issue 17 item 6). A table
// whose first row is all headers is a list; one whose rows pair headers and cells is a
// table of pairs.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('table').forEach(function (table) {
    var rows = table.rows;
    if (rows.length === 0) {
      return;
    }
    var first = rows[0].cells;
    var allHeads = Array.prototype.every.call(first, function (c) { return c.tagName === 'TH'; });
    if (!allHeads) {
      table.classList.add('pairs');
      return;
    }
    var names = [];
    Array.prototype.forEach.call(first, function (c) {
      for (var i = 0; i < (c.colSpan || 1); i++) {
        names.push(c.textContent.trim());
      }
    });
    rows[0].classList.add('head');
    table.classList.add('cards');
    for (var r = 1; r < rows.length; r++) {
      var at = 0;
      Array.prototype.forEach.call(rows[r].cells, function (c) {
        if (c.colSpan <= 1 && names[at]) {
          c.setAttribute('data-label', names[at]);
        }
        at += c.colSpan || 1;
      });
    }
  });
});

// 打印: a list's print button (the stylesheet's print rules keep the table, drop the controls).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('button.print-page').forEach(function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
});

// The upload of an applicant workbook (issue 17 item 3): once sent, the button is disabled
// and 正在解析… shown, so a large file is not sent twice while the server parses it.
document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('upload');
  if (!form) {
    return;
  }
  var sent = false;
  form.addEventListener('submit', function (e) {
    if (sent) {
      e.preventDefault();
      return;
    }
    sent = true;
    var button = document.getElementById('upload-button');
    if (button) {
      button.disabled = true;
      button.textContent = '正在解析…';
    }
    var progress = document.getElementById('upload-progress');
    if (progress) {
      progress.hidden = false;
    }
  });
  // Back to this page from the preview: the form may be sent again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) {
      return;
    }
    sent = false;
    var button = document.getElementById('upload-button');
    if (button) {
      button.disabled = false;
      button.textContent = '上传并预览';
    }
    document.getElementById('upload-progress').hidden = true;
  });
});
