// Pages opened from the links Dihya mails: the token is in the URL fragment (#token=...), which browsers never
// send to servers, so it appears in no access log; the page reads it and posts it to the API.
(function () {
  'use strict';
  var texts = {
    en: {
      'verify.title': 'Email confirmation', 'verify.working': 'Confirming your address…',
      'verify.ok': 'Your email address is confirmed. You can close this page and sign in.',
      'reset.title': 'Choose a new password',
      'reset.password': 'New password (at least 12 characters, or four words)',
      'reset.again': 'The same password again', 'reset.submit': 'Change my password',
      'reset.mismatch': 'The two passwords differ.',
      'reset.ok': 'Your password is changed. You were signed out everywhere: sign in with the new one.',
      'no.token': 'This link is incomplete: open the link from the mail again.',
      'failed': 'Something went wrong: '
    },
    fr: {
      'verify.title': 'Confirmation de l’adresse', 'verify.working': 'Confirmation en cours…',
      'verify.ok': 'Votre adresse e-mail est confirmée. Vous pouvez fermer cette page et vous connecter.',
      'reset.title': 'Choisir un nouveau mot de passe',
      'reset.password': 'Nouveau mot de passe (au moins 12 caractères, ou quatre mots)',
      'reset.again': 'Le même mot de passe', 'reset.submit': 'Changer mon mot de passe',
      'reset.mismatch': 'Les deux mots de passe diffèrent.',
      'reset.ok': 'Votre mot de passe est changé. Vous avez été déconnecté partout : connectez-vous avec le nouveau.',
      'no.token': 'Ce lien est incomplet : rouvrez le lien reçu par e-mail.',
      'failed': 'Une erreur est survenue : '
    },
    ar: {
      'verify.title': 'تأكيد البريد الإلكتروني', 'verify.working': 'جارٍ تأكيد عنوانك…',
      'verify.ok': 'تم تأكيد عنوان بريدك الإلكتروني. يمكنك إغلاق هذه الصفحة وتسجيل الدخول.',
      'reset.title': 'اختيار كلمة مرور جديدة',
      'reset.password': 'كلمة المرور الجديدة (12 حرفًا على الأقل، أو أربع كلمات)',
      'reset.again': 'كلمة المرور نفسها مرة أخرى', 'reset.submit': 'تغيير كلمة المرور',
      'reset.mismatch': 'كلمتا المرور مختلفتان.',
      'reset.ok': 'تم تغيير كلمة المرور وتسجيل خروجك من كل الأجهزة: سجّل الدخول بالكلمة الجديدة.',
      'no.token': 'هذا الرابط غير مكتمل: افتح الرابط الوارد في البريد مرة أخرى.',
      'failed': 'حدث خطأ: '
    }
  };
  var lang = (navigator.language || 'en').slice(0, 2);
  if (!texts[lang]) lang = 'en';
  var t = texts[lang];
  document.documentElement.lang = lang;
  if (lang === 'ar') document.documentElement.dir = 'rtl';
  Array.prototype.forEach.call(document.querySelectorAll('[data-text]'), function (el) {
    var k = el.getAttribute('data-text');
    if (t[k]) el.textContent = t[k];
  });
  var status = document.getElementById('status');
  function show(text, ok) {
    status.textContent = text;
    status.className = ok ? 'ok' : 'error';
  }
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  // Forget the token as soon as it is read: it does not stay in the address bar or the history.
  history.replaceState(null, '', location.pathname);
  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit'
    }).then(function (res) {
      if (res.ok) return null;
      return res.json().then(function (p) { return p.detail || res.statusText; }, function () { return res.statusText; });
    });
  }
  var page = document.body.getAttribute('data-page');
  if (!token) {
    show(t['no.token'], false);
    var form = document.getElementById('reset');
    if (form) form.hidden = true;
    return;
  }
  if (page === 'verify') {
    post('/api/v1/auth/verify-email', { token: token }).then(function (err) {
      if (err) show(t.failed + err, false); else show(t['verify.ok'], true);
    }, function (e) { show(t.failed + e.message, false); });
  }
  if (page === 'reset') {
    document.getElementById('reset').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var pw = document.getElementById('password').value;
      if (pw !== document.getElementById('again').value) { show(t['reset.mismatch'], false); return; }
      post('/api/v1/auth/password-reset/confirm', { token: token, new_password: pw }).then(function (err) {
        if (err) { show(t.failed + err, false); return; }
        document.getElementById('reset').hidden = true;
        show(t['reset.ok'], true);
      }, function (e) { show(t.failed + e.message, false); });
    });
  }
})();
