/* JIT provisioning console: calls the JSON API (same origin, session cookie) and shows refusals next to the control. */
(function () {
  'use strict';
  var body = document.body;
  var page = body.dataset.page;
  var ws = body.dataset.ws;

  function $(id) { return document.getElementById(id); }

  // In-flight calls and scheduled refreshes, exposed as <body data-busy> (tests wait for "0").
  var busy = 0;
  function track(delta) { busy += delta; body.dataset.busy = String(busy); }
  track(0);

  function api(method, path, data, contentType) {
    var headers = { 'X-Requested-With': 'jit-console', 'Accept': 'application/json' };
    var payload;
    if (data !== undefined) {
      headers['Content-Type'] = contentType || 'application/json';
      payload = contentType ? data : JSON.stringify(data);
    }
    track(1);
    var done = function () { track(-1); };
    return fetch(path, { method: method, headers: headers, body: payload, credentials: 'same-origin' }).finally(done).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!res.ok) {
          var err = new Error((json && json.detail) || res.statusText);
          err.status = res.status;
          err.code = (json && json.code) || ('http_' + res.status);
          err.detail = (json && json.detail) || res.statusText;
          throw err;
        }
        return { status: res.status, body: json };
      });
    });
  }

  function wsPath(rest) { return '/api/workspaces/' + encodeURIComponent(ws) + rest; }

  function showError(id, err) {
    var el = $(id);
    if (!el) { return; }
    el.textContent = err ? (err.code + ': ' + err.detail) : '';
    if (err) { el.dataset.code = err.code; } else { delete el.dataset.code; }
  }

  function showMessage(id, text) { var el = $(id); if (el) { el.textContent = text || ''; } }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (text instanceof Node) { td.appendChild(text); } else { td.textContent = text == null ? '' : String(text); }
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function badge(text, cls) {
    var span = document.createElement('span');
    span.className = 'badge ' + (cls || '');
    span.textContent = text;
    return span;
  }

  function button(text, cls, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (cls) { b.className = cls; }
    b.addEventListener('click', onClick);
    return b;
  }

  function clear(tbody) { while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); } }

  // Roles the signed-in member may give (their permissions are all its own): the only ones the console offers.
  var grantableRoles = [];

  function loadRoles() {
    return api('GET', wsPath('/roles')).then(function (r) {
      grantableRoles = r.body.items.filter(function (role) { return role.grantable; }).map(function (role) { return role.name; });
      return r.body.items.map(function (role) { return role.name; });
    });
  }

  function fillRoles(select, roles, selected, blank) {
    while (select.firstChild) { select.removeChild(select.firstChild); }
    if (blank) { var o0 = document.createElement('option'); o0.value = ''; o0.textContent = blank; select.appendChild(o0); }
    roles.forEach(function (name) {
      var o = document.createElement('option');
      o.value = name; o.textContent = name;
      if (name === selected) { o.selected = true; }
      select.appendChild(o);
    });
  }

  function fmt(instant) { return instant ? instant.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }

  // Sign-out on every page.
  var signOut = $('sign-out');
  if (signOut) {
    signOut.addEventListener('click', function () {
      // A session from SAML with an IdP SLO URL continues at the IdP (issue 19): the answer names where. A navigation,
      // not a form post, so the console's CSP (form-action 'self') does not stop it.
      var home = '/console/login?workspace=' + encodeURIComponent(ws);
      fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (body) { window.location.assign(body && body.idpLogout ? body.idpLogout : home); })
        .catch(function () { window.location.assign(home); });
    });
  }

  // ---------------------------------------------------------------- login
  function initLogin() {
    var wsInput = $('login-workspace');
    var sso = $('login-sso');
    function updateSso() { sso.href = '/saml/' + encodeURIComponent(wsInput.value.trim()) + '/login'; }
    wsInput.addEventListener('input', updateSso);
    updateSso();
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('login-error', null);
      api('POST', '/api/auth/password', { workspace: wsInput.value.trim(), email: $('login-email').value.trim(), password: $('login-password').value })
        .then(function (r) {
          if (r.status === 202 && r.body && r.body.page) { window.location.assign(r.body.page + '?next=/console'); return; }
          window.location.assign('/console');
        })
        .catch(function (err) { showError('login-error', err); });
    });
  }

  // ---------------------------------------------------------------- security
  var provisioning = null;
  var roles = [];
  var pendingSave = null;

  function initSecurity() {
    loadSso();
    loadRoles().then(function (r) { roles = r; }).then(loadProvisioning).catch(function (err) { showError('provisioning-error', err); });
    loadSecurity();
    loadNotifications();
    $('notifications-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('notifications-error', null); showMessage('notifications-message', '');
      api('PUT', wsPath('/notifications/me'), { receiveNewMemberMails: $('my-new-member-mails').checked })
        .then(function () { return api('PUT', wsPath('/notifications'), { newMemberMails: $('new-member-mails').value }); })
        .then(function () { showMessage('notifications-message', 'Notifications saved.'); return loadNotifications(); })
        .catch(function (err) { showError('notifications-error', err); });
    });

    document.querySelectorAll('button.copy').forEach(function (b) {
      b.addEventListener('click', function () {
        var text = $(b.dataset.copy).textContent;
        if (navigator.clipboard) { navigator.clipboard.writeText(text).catch(function () {}); }
        b.textContent = 'Copied';
      });
    });

    $('sso-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('sso-error', null); showMessage('sso-message', '');
      var pems = $('sso-certificates').value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) || [];
      if (pems.length === 0 && $('sso-certificates').value.trim()) { pems = [$('sso-certificates').value.trim()]; }
      api('PUT', wsPath('/sso'), {
        idpEntityId: $('sso-entity-id').value.trim(), certificates: pems,
        ssoUrl: $('sso-url').value.trim() || null, sloUrl: $('slo-url').value.trim() || null, active: $('sso-active').checked,
        encryptedAssertions: $('sso-encrypted').checked
      }).then(function (r) { renderSso(r.body); showMessage('sso-message', 'SSO settings saved'); loadProvisioning(); })
        .catch(function (err) { showError('sso-error', err); });
    });
    $('sp-key-rotate').addEventListener('click', function () {
      showError('sso-error', null); showMessage('sso-message', '');
      api('POST', wsPath('/sso/sp-keys/rotate')).then(function (r) {
        renderSpKeys(r.body);
        showMessage('sso-message', r.body.keys.length > 1 ? 'Next SP key published: give the IdP the SP metadata again'
          : 'The next SP key is now active');
      }).catch(function (err) { showError('sso-error', err); });
    });
    $('sso-metadata-file').addEventListener('change', function () {
      var file = this.files[0];
      if (file) { file.text().then(function (text) { $('sso-metadata').value = text; }); }
    });
    $('sso-import').addEventListener('click', function () {
      showError('sso-error', null); showMessage('sso-message', '');
      api('POST', wsPath('/sso/metadata?active=true'), $('sso-metadata').value, 'application/xml')
        .then(function (r) { renderSso(r.body); showMessage('sso-message', 'IdP metadata imported'); loadProvisioning(); })
        .catch(function (err) { showError('sso-error', err); });
    });

    var toggle = $('provisioning-toggle');
    toggle.addEventListener('change', function () {
      showError('provisioning-error', null); showMessage('provisioning-message', '');
      var enabled = provisioning && provisioning.method !== 'NONE';
      if (toggle.checked && !enabled) {
        $('method-dialog').showModal();
      } else if (!toggle.checked && enabled) {
        $('disable-dialog').showModal();
      }
    });
    $('method-cancel').addEventListener('click', function () { $('method-dialog').close(); renderProvisioning(); });
    $('method-next').addEventListener('click', function () {
      $('method-dialog').close();
      if ($('method-scim').checked) {
        pendingSave = { body: { method: 'SCIM' }, success: 'SCIM user provisioning enabled successfully' };
        $('confirm-dialog').showModal();
      } else {
        openJitForm(null);
      }
    });
    $('provisioning-edit').addEventListener('click', function () {
      showError('provisioning-error', null); showMessage('provisioning-message', '');
      openJitForm(provisioning);
    });
    $('jit-cancel').addEventListener('click', function () { $('jit-dialog').close(); renderProvisioning(); });
    $('jit-add-mapping').addEventListener('click', function () { addMappingRow('', ''); });
    $('jit-save').addEventListener('click', function () {
      showError('jit-error', null);
      var wasEnabled = provisioning && provisioning.jitEnabled;
      pendingSave = {
        body: jitBody(),
        success: wasEnabled ? 'Just-in-time user provisioning updated successfully' : 'Just-in-time user provisioning enabled successfully'
      };
      $('confirm-dialog').showModal();
    });
    $('confirm-cancel').addEventListener('click', function () { $('confirm-dialog').close(); });
    $('confirm-ok').addEventListener('click', function () {
      var save = pendingSave;
      $('confirm-dialog').close();
      api('PUT', wsPath('/provisioning'), save.body).then(function (r) {
        $('jit-dialog').close();
        provisioning = r.body;
        renderProvisioning();
        showMessage('provisioning-message', save.success);
      }).catch(function (err) {
        // A refusal about the form stays in the form; one about the workspace goes next to the toggle.
        if ($('jit-dialog').open && /role|mapping|attribute/.test(err.code)) {
          showError('jit-error', err);
        } else {
          $('jit-dialog').close();
          renderProvisioning();
          showError('provisioning-error', err);
        }
      });
    });
    $('disable-cancel').addEventListener('click', function () { $('disable-dialog').close(); renderProvisioning(); });
    $('disable-ok').addEventListener('click', function () {
      $('disable-dialog').close();
      var was = provisioning && provisioning.method === 'SCIM' ? 'SCIM' : 'Just-in-time';
      api('DELETE', wsPath('/provisioning')).then(function (r) {
        provisioning = r.body;
        renderProvisioning();
        showMessage('provisioning-message', was + ' user provisioning disabled successfully');
      }).catch(function (err) { renderProvisioning(); showError('provisioning-error', err); });
    });

    $('security-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('security-error', null); showMessage('security-message', '');
      var list = $('ip-allow-list').value.split(/[\s,]+/).filter(function (s) { return s; });
      api('PUT', wsPath('/security'), { twoFactorRequired: $('two-factor-required').checked, ipAllowList: list })
        .then(function (r) { renderSecurity(r.body); showMessage('security-message', 'Security settings saved'); })
        .catch(function (err) { showError('security-error', err); });
    });
  }

  function loadSso() {
    loadSpKeys();
    return api('GET', wsPath('/sso')).then(function (r) { renderSso(r.body); }).catch(function (err) { showError('sso-error', err); });
  }

  /** The SP's signing certificates and the SLO URL (issue 19); a rotation publishes the next key first, then activates it. */
  function loadSpKeys(after) {
    return api('GET', wsPath('/sso/sp-keys')).then(function (r) { renderSpKeys(r.body); })
      .catch(function (err) { showError('sso-error', err); });
  }

  function renderSpKeys(view) {
    $('slo-sp-url').textContent = view.sloUrl || '';
    var next = (view.keys || []).filter(function (k) { return k.status === 'NEXT'; }).length > 0;
    var active = (view.keys || []).filter(function (k) { return k.status === 'ACTIVE'; })[0];
    $('sp-keys-state').textContent = (active ? 'active, valid until ' + String(active.notAfter).substring(0, 10) : 'none yet')
      + (next ? '; the next key is published: rotate again once the IdP has the new metadata' : '');
    $('sp-keys-state').dataset.next = String(next);
    $('sp-key-rotate').textContent = next ? 'Activate the next key' : 'Rotate';
  }

  function renderSso(sso) {
    $('acs-url').textContent = sso.acsUrl || '';
    $('sp-entity-id').textContent = sso.spEntityId || '';
    $('sso-state').textContent = sso.configured ? ('SSO is configured' + (sso.active ? ' and active' : ' but inactive')) : 'SSO is not configured';
    $('sso-state').dataset.configured = String(sso.configured);
    if (sso.configured) {
      $('sso-entity-id').value = sso.idpEntityId || '';
      $('sso-url').value = sso.ssoUrl || '';
      $('slo-url').value = sso.sloUrl || '';
      $('sso-certificates').value = (sso.certificates || []).join('\n');
      $('sso-active').checked = sso.active;
      $('sso-encrypted').checked = !!sso.encryptedAssertions;
    }
  }

  function loadProvisioning() {
    return api('GET', wsPath('/provisioning')).then(function (r) { provisioning = r.body; renderProvisioning(); })
      .catch(function (err) { showError('provisioning-error', err); });
  }

  function renderProvisioning() {
    var p = provisioning;
    var toggle = $('provisioning-toggle');
    toggle.checked = !!p && p.method !== 'NONE';
    var summary = $('provisioning-summary');
    while (summary.firstChild) { summary.removeChild(summary.firstChild); }
    $('provisioning-edit').hidden = !(p && p.jitEnabled);
    if (!p || p.method === 'NONE') { summary.dataset.method = 'NONE'; return; }
    summary.dataset.method = p.method;
    var dl = document.createElement('dl');
    function row(k, v) {
      var dt = document.createElement('dt'); dt.textContent = k;
      var dd = document.createElement('dd'); dd.textContent = v;
      dl.appendChild(dt); dl.appendChild(dd);
    }
    row('Method', p.method === 'JIT' ? 'Just-in-time' : 'SCIM');
    if (p.jitEnabled) {
      row('Default role', p.defaultRole);
      row("Update user's role", p.updateUserRole ? 'Yes' : 'No');
      row('Delete user at the end of the session', p.deleteAtSessionEnd ? 'Yes' : 'No');
      row('Role attribute', p.roleAttribute);
      row('Multiple values', p.multiValuePolicy);
      row('Strict role', p.strictRole ? 'Yes' : 'No');
      var maps = Object.keys(p.roleMappings || {}).map(function (k) { return k + ' → ' + p.roleMappings[k]; });
      row('Role mappings', maps.length ? maps.join(', ') : 'none');
    }
    if (p.scimEnabled) {
      row('Default role', p.defaultRole || 'Analyst');
      var groups = Object.keys(p.roleMappings || {}).map(function (k) { return k + ' → ' + p.roleMappings[k]; });
      row('Group role mappings', groups.length ? groups.join(', ') : 'none');
      row('SCIM base URL (paste into the IdP)', p.scimBaseUrl);
      row('SCIM token', p.scimTokenIssued ? 'created (shown once; rotate to get a new one)' : 'none yet');
    }
    summary.appendChild(dl);
    if (p.scimEnabled) {
      var button = document.createElement('button');
      button.type = 'button';
      button.id = 'scim-token-create';
      button.className = 'secondary';
      button.textContent = p.scimTokenIssued ? 'Rotate SCIM token' : 'Create SCIM token';
      var shown = document.createElement('p');
      shown.id = 'scim-token-shown';
      button.addEventListener('click', function () {
        api('POST', wsPath('/provisioning/scim-token')).then(function (r) {
          shown.textContent = '';
          var note = document.createElement('span');
          note.textContent = 'Copy it now, it is not shown again: ';
          var code = document.createElement('code');
          code.id = 'scim-token-value';
          code.textContent = r.body.token;
          shown.appendChild(note);
          shown.appendChild(code);
          showMessage('provisioning-message', p.scimTokenIssued ? 'SCIM token rotated: the previous one no longer works' : 'SCIM token created');
        }).catch(function (err) { showError('provisioning-error', err); });
      });
      summary.appendChild(button);
      summary.appendChild(shown);
    }
  }

  function openJitForm(current) {
    showError('jit-error', null);
    var c = current && current.jitEnabled ? current : null;
    fillRoles($('jit-default-role'), roles, c ? c.defaultRole : 'Analyst');
    $('jit-update-role').checked = c ? c.updateUserRole : false;
    $('jit-delete-at-end').checked = c ? c.deleteAtSessionEnd : false;
    $('jit-role-attribute').value = c ? (c.roleAttribute || '') : '';
    $('jit-multi-value').value = c ? (c.multiValuePolicy || 'FIRST') : 'FIRST';
    $('jit-strict-role').checked = c ? c.strictRole : false;
    clear($('jit-mappings').tBodies[0]);
    if (c) { Object.keys(c.roleMappings || {}).forEach(function (k) { addMappingRow(k, c.roleMappings[k]); }); }
    $('jit-dialog').showModal();
  }

  function addMappingRow(idpValue, role) {
    var tr = document.createElement('tr');
    var input = document.createElement('input');
    input.className = 'mapping-value'; input.value = idpValue; input.placeholder = 'IdP value';
    var select = document.createElement('select');
    select.className = 'mapping-role';
    fillRoles(select, roles, role);
    cell(tr, input); cell(tr, select);
    cell(tr, button('Remove', 'secondary', function () { tr.remove(); }));
    $('jit-mappings').tBodies[0].appendChild(tr);
  }

  function jitBody() {
    var mappings = {};
    Array.prototype.forEach.call($('jit-mappings').tBodies[0].rows, function (tr) {
      var v = tr.querySelector('.mapping-value').value.trim();
      if (v) { mappings[v] = tr.querySelector('.mapping-role').value; }
    });
    return {
      method: 'JIT', defaultRole: $('jit-default-role').value, updateUserRole: $('jit-update-role').checked,
      deleteAtSessionEnd: $('jit-delete-at-end').checked, roleAttribute: $('jit-role-attribute').value.trim() || null,
      multiValuePolicy: $('jit-multi-value').value, strictRole: $('jit-strict-role').checked, roleMappings: mappings
    };
  }

  function loadSecurity() {
    api('GET', wsPath('/security')).then(function (r) { renderSecurity(r.body); }).catch(function (err) { showError('security-error', err); });
  }

  function renderSecurity(s) {
    $('two-factor-required').checked = s.twoFactorRequired;
    $('ip-allow-list').value = (s.ipAllowList || []).join('\n');
  }

  // ---------------------------------------------------------------- members
  var memberPage = 1;
  var memberSize = 20;
  var revokeTarget = null;

  function loadNotifications() {
    return Promise.all([api('GET', wsPath('/notifications/me')), api('GET', wsPath('/notifications'))]).then(function (r) {
      $('my-new-member-mails').checked = r[0].body.receiveNewMemberMails;
      $('new-member-mails').value = r[1].body.newMemberMails;
    }).catch(function (err) { showError('notifications-error', err); });
  }

  function initMembers() {
    // a mail's link opens the page filtered (/console/members?origin=JIT)
    var wanted = new URLSearchParams(window.location.search).get('origin');
    if (wanted) { $('member-origin').value = wanted; }
    loadRoles().then(function (r) {
      roles = r;
      fillRoles($('invite-role'), grantableRoles, 'Analyst');
      fillRoles($('member-role'), roles, '', 'All roles');
      loadMembers();
    }).catch(function (err) { showError('members-error', err); });
    loadSessions();
    $('members-filter').addEventListener('submit', function (e) { e.preventDefault(); memberPage = 1; loadMembers(); });
    $('members-refresh').addEventListener('click', function () { loadMembers(); loadSessions(); });
    $('members-prev').addEventListener('click', function () { if (memberPage > 1) { memberPage--; loadMembers(); } });
    $('members-next').addEventListener('click', function () { memberPage++; loadMembers(); });
    $('invite-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('invite-error', null); showMessage('members-message', '');
      api('POST', wsPath('/members'), { email: $('invite-email').value.trim(), displayName: $('invite-name').value.trim() || null, role: $('invite-role').value })
        .then(function (r) { showMessage('members-message', 'Invited ' + r.body.email); $('invite-email').value = ''; $('invite-name').value = ''; refreshSoon(); })
        .catch(function (err) { showError('invite-error', err); });
    });
    $('revoke-cancel').addEventListener('click', function () { $('revoke-dialog').close(); });
    $('revoke-ok').addEventListener('click', function () {
      var m = revokeTarget;
      $('revoke-dialog').close();
      api('DELETE', wsPath('/members/' + m.id)).then(function () { showMessage('members-message', 'Access revoked for ' + m.email); refreshSoon(); })
        .catch(function (err) { showError('members-error', err); });
    });
  }

  // The list is served from a projection that lags the store a little: refresh a few times after a change.
  function refreshSoon() {
    [300, 1000, 2500].forEach(function (ms) {
      track(1);
      setTimeout(function () { loadMembers(); loadSessions(); track(-1); }, ms);
    });
  }

  function loadMembers() {
    var q = new URLSearchParams({ page: memberPage, size: memberSize });
    if ($('member-query').value.trim()) { q.set('query', $('member-query').value.trim()); }
    if ($('member-role').value) { q.set('role', $('member-role').value); }
    if ($('member-origin').value) { q.set('origin', $('member-origin').value); }
    return api('GET', wsPath('/members?' + q)).then(function (r) { renderMembers(r.body); showError('members-error', null); })
      .catch(function (err) { showError('members-error', err); });
  }

  function timeLeft(m) {
    var from = m.lastSignInAt || m.createdAt;
    if (!from) { return ''; }
    var ms = new Date(from).getTime() + 24 * 3600 * 1000 - Date.now();
    if (ms <= 0) { return 'expiring'; }
    var h = Math.floor(ms / 3600000), min = Math.floor((ms % 3600000) / 60000);
    return h + 'h ' + min + 'm left';
  }

  function renderMembers(pageData) {
    var tbody = $('members-table').tBodies[0];
    clear(tbody);
    pageData.items.forEach(function (m) {
      var tr = document.createElement('tr');
      tr.dataset.email = m.email;
      tr.dataset.role = m.role;
      tr.dataset.origin = m.origin;
      cell(tr, m.email, 'email');
      cell(tr, m.displayName || '');
      var badges = document.createElement('span');
      badges.appendChild(badge(m.origin === 'INVITE' ? 'Invited' : m.origin, 'origin origin-' + String(m.origin).toLowerCase()));
      if (m.temporary) { badges.appendChild(badge('Temporary · ' + timeLeft(m), 'temporary')); }
      if (m.deactivated) { badges.appendChild(badge('Deactivated by the IdP', 'deactivated')); }
      cell(tr, badges);
      var select = document.createElement('select');
      select.className = 'member-role';
      // A member whose role the caller could not grant is out of its reach: shown, not changeable.
      var reachable = grantableRoles.indexOf(m.role) >= 0;
      fillRoles(select, reachable ? grantableRoles : [m.role], m.role);
      select.disabled = !reachable;
      var roleCell = cell(tr, select);
      var update = roleCell.appendChild(button('Update role', 'secondary update-role', function () {
        showError('members-error', null); showMessage('members-message', '');
        api('PUT', wsPath('/members/' + m.id + '/role'), { role: select.value }).then(function (r) {
          var el = $('members-message');
          if (r.body.warning) {
            el.textContent = 'Role updated to ' + select.value + '. Warning: ' + r.body.warning.message;
            el.dataset.code = r.body.warning.code;
          } else {
            el.textContent = 'Role updated to ' + select.value;
            delete el.dataset.code;
          }
          refreshSoon();
        }).catch(function (err) { showError('members-error', err); });
      }));
      update.disabled = !reachable;
      cell(tr, fmt(m.lastSignInAt));
      var revoke = cell(tr, button('Revoke access', 'danger revoke', function () {
        revokeTarget = m;
        $('revoke-email').textContent = m.email;
        $('revoke-dialog').showModal();
      }));
      revoke.firstChild.disabled = !reachable;
      tbody.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(pageData.total / pageData.size));
    $('members-page').textContent = 'Page ' + pageData.page + ' of ' + pages + ' (' + pageData.total + ' members)';
    $('members-prev').disabled = pageData.page <= 1;
    $('members-next').disabled = pageData.page >= pages;
  }

  function loadSessions() {
    return api('GET', wsPath('/sessions')).then(function (r) {
      var tbody = $('sessions-table').tBodies[0];
      clear(tbody);
      r.body.items.forEach(function (s) {
        var tr = document.createElement('tr');
        tr.dataset.member = s.memberKey;
        tr.dataset.session = s.id;
        cell(tr, s.memberKey); cell(tr, s.effectiveRole); cell(tr, fmt(s.startedAt)); cell(tr, fmt(s.expiresAt));
        cell(tr, button('Force logout', 'danger force-logout', function () {
          showError('sessions-error', null);
          api('DELETE', wsPath('/sessions/' + s.id)).then(function () { showMessage('members-message', 'Signed out ' + s.memberKey); refreshSoon(); })
            .catch(function (err) { showError('sessions-error', err); });
        }));
        tbody.appendChild(tr);
      });
    }).catch(function (err) { showError('sessions-error', err); });
  }

  // ---------------------------------------------------------------- audit
  var auditPage = 1;

  function auditQuery() {
    var q = new URLSearchParams();
    function iso(v) { return v ? new Date(v + 'Z').toISOString() : null; }
    if ($('audit-type').value.trim()) { q.set('type', $('audit-type').value.trim()); }
    if ($('audit-member').value.trim()) { q.set('member', $('audit-member').value.trim()); }
    if (iso($('audit-from').value)) { q.set('from', iso($('audit-from').value)); }
    if (iso($('audit-to').value)) { q.set('to', iso($('audit-to').value)); }
    return q;
  }

  function initAudit() {
    $('audit-filter').addEventListener('submit', function (e) { e.preventDefault(); auditPage = 1; loadAudit(); });
    $('audit-refresh').addEventListener('click', loadAudit);
    $('audit-prev').addEventListener('click', function () { if (auditPage > 1) { auditPage--; loadAudit(); } });
    $('audit-next').addEventListener('click', function () { auditPage++; loadAudit(); });
    loadAudit();
  }

  function loadAudit() {
    var q = auditQuery();
    var csv = new URLSearchParams(q); csv.set('format', 'csv');
    var json = new URLSearchParams(q); json.set('format', 'json'); json.set('export', 'true');
    $('audit-export-csv').href = wsPath('/audit?' + csv);
    $('audit-export-json').href = wsPath('/audit?' + json);
    q.set('page', auditPage); q.set('size', 25);
    api('GET', wsPath('/audit?' + q)).then(function (r) {
      showError('audit-error', null);
      var tbody = $('audit-table').tBodies[0];
      clear(tbody);
      r.body.items.forEach(function (e) {
        var tr = document.createElement('tr');
        tr.dataset.type = e.type;
        tr.dataset.member = e.memberKey || '';
        cell(tr, fmt(e.occurredAt)); cell(tr, e.type, 'type'); cell(tr, e.actorType + (e.actorId ? ' ' + e.actorId : ''));
        cell(tr, e.memberEmail || e.memberKey || ''); cell(tr, e.summary || '');
        tbody.appendChild(tr);
      });
      var pages = Math.max(1, Math.ceil(r.body.total / r.body.size));
      $('audit-page').textContent = 'Page ' + r.body.page + ' of ' + pages + ' (' + r.body.total + ' entries)';
      $('audit-prev').disabled = r.body.page <= 1;
      $('audit-next').disabled = r.body.page >= pages;
    }).catch(function (err) { showError('audit-error', err); });
  }

  // ---------------------------------------------------------------- inspector
  function initInspector() {
    $('inspect-form').addEventListener('submit', function (e) {
      e.preventDefault();
      inspect({ samlResponse: $('inspect-input').value.replace(/\s+/g, '') });
    });
    $('inspect-last-rejected').addEventListener('click', function () { inspect({ lastRejected: true }); });
  }

  function inspect(request) {
    showError('inspect-error', null);
    $('inspect-result').hidden = true;
    api('POST', wsPath('/saml/inspect'), request).then(function (r) {
      var res = r.body;
      var d = res.decision || {};
      var decision = $('inspect-decision');
      decision.textContent = d.outcome + (d.role ? ' · role ' + d.role : '') + (d.code ? ' · ' + d.code : '');
      decision.dataset.outcome = d.outcome || '';
      decision.className = res.valid ? 'success' : 'error';
      $('inspect-summary').textContent = (d.detail || '') + (res.issuer ? ' · issuer ' + res.issuer : '') + (res.nameId ? ' · NameID ' + res.nameId : '');
      var checks = $('inspect-checks').tBodies[0];
      clear(checks);
      res.checks.forEach(function (c) {
        var tr = document.createElement('tr');
        tr.dataset.step = c.step;
        tr.dataset.passed = String(c.passed);
        tr.className = c.passed ? 'pass' : 'fail';
        cell(tr, c.step); cell(tr, c.passed ? '✓ pass' : '✗ fail', 'result'); cell(tr, c.code || '', 'code'); cell(tr, c.detail || '');
        checks.appendChild(tr);
      });
      $('inspect-verified').textContent = res.attributesVerified ? 'verified' : 'unverified (signature not trusted)';
      var attrs = $('inspect-attributes').tBodies[0];
      clear(attrs);
      (res.attributes || []).forEach(function (a) {
        var tr = document.createElement('tr');
        tr.dataset.name = a.name;
        cell(tr, a.name + (a.friendlyName ? ' (' + a.friendlyName + ')' : '')); cell(tr, (a.values || []).join(', '));
        attrs.appendChild(tr);
      });
      $('inspect-result').hidden = false;
    }).catch(function (err) { showError('inspect-error', err); });
  }

  var inits = { login: initLogin, security: initSecurity, members: initMembers, audit: initAudit, inspector: initInspector };
  if (inits[page]) { inits[page](); }
}());
