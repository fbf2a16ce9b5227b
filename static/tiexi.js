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
