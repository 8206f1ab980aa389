import Mustache

/// The console's pages as Mustache templates, compiled into the hub (no files to install, no
/// CDN): `{{…}}` escapes HTML, `{{{…}}}` is kept for markup the hub built itself (SVG charts,
/// page bodies).
enum ConsoleTemplates {
    static let sources: [String: String] = [
        "layout": """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — {{t.app}}</title>
        <link rel="stylesheet" href="/console/static/console.css">
        </head>
        <body>
        <a class="skip" href="#main">{{t.skip}}</a>
        <header class="top">
        <p class="brand"><a href="/console">{{t.app}}</a></p>
        {{#nav}}
        <nav aria-label="{{t.app}}"><ul>
        {{#officer}}<li><a href="/console/queue"{{#atQueue}} aria-current="page"{{/atQueue}}>{{t.queue}}</a></li>{{/officer}}
        <li><a href="/console/dashboard"{{#atDashboard}} aria-current="page"{{/atDashboard}}>{{t.dashboard}}</a></li>
        {{#admin}}<li><a href="/console/admin/codes">{{t.codes}}</a></li>
        <li><a href="/console/admin/devices">{{t.devices}}</a></li>
        <li><a href="/console/admin/officers">{{t.officers}}</a></li>
        <li><a href="/console/admin/audit">{{t.audit}}</a></li>{{/admin}}
        </ul></nav>
        {{/nav}}
        <div class="who">
        <a href="/console/lang/{{otherLang}}?back={{back}}" lang="{{otherLang}}" hreflang="{{otherLang}}">{{t.otherLanguage}}</a>
        {{#nav}}<span>{{t.signedInAs}} {{staffName}}</span>
        <form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="sign-out">{{t.signOut}}</button></form>{{/nav}}
        </div>
        </header>
        <main id="main">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{{body}}}
        </main>
        </body>
        </html>
        """,
        "login": """
        <h1>{{t.signInTitle}}</h1>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        <form method="post" action="/console/login" class="card narrow">
        <input type="hidden" name="csrf" value="{{loginCSRF}}">
        <label for="token">{{t.tokenLabel}}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby="token-help">
        <p id="token-help" class="help">{{t.tokenHelp}}</p>
        <button type="submit" id="sign-in">{{t.signIn}}</button>
        </form>
        """,
        "error": """
        <h1>{{t.error}}</h1>
        <p class="problem" role="alert">{{message}}</p>
        <p><a href="{{home}}">{{t.home}}</a></p>
        """,
        "queue": """
        <h1>{{t.queue}}</h1>
        <section aria-labelledby="counts-h">
        <h2 id="counts-h">{{t.countsTitle}}</h2>
        <ul class="counts">{{#counts}}<li><a href="{{link}}"{{#current}} aria-current="true"{{/current}}><span class="badge s-{{key}}">{{label}}</span> <strong>{{count}}</strong></a></li>{{/counts}}</ul>
        </section>
        <form method="get" action="/console/queue" class="filters card" aria-labelledby="filters-h">
        <h2 id="filters-h">{{t.filters}}</h2>
        <div class="grid">
        <div><label for="f-status">{{t.status}}</label><select id="f-status" name="status"><option value="">{{t.any}}</option>{{#statuses}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></div>
        <div><label for="f-village">{{t.village}}</label><select id="f-village" name="village"><option value="">{{t.any}}</option>{{#villages}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/villages}}</select></div>
        <div><label for="f-volunteer">{{t.volunteer}}</label><select id="f-volunteer" name="volunteer"><option value="">{{t.any}}</option>{{#volunteers}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/volunteers}}</select></div>
        <div><label for="f-procedure">{{t.procedure}}</label><select id="f-procedure" name="procedure"><option value="">{{t.any}}</option>{{#procedures}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/procedures}}</select></div>
        <div><label for="f-from">{{t.from}}</label><input id="f-from" name="from" type="date" value="{{from}}"></div>
        <div><label for="f-to">{{t.to}}</label><input id="f-to" name="to" type="date" value="{{to}}"></div>
        </div>
        <p><button type="submit" id="apply-filters">{{t.apply}}</button> <a href="/console/queue">{{t.clear}}</a></p>
        </form>
        {{#hasRows}}
        <div class="scroll"><table class="queue">
        <caption class="sr">{{t.queue}}</caption>
        <thead><tr><th scope="col">{{t.received}}</th><th scope="col">{{t.procedure}}</th><th scope="col">{{t.village}}</th><th scope="col">{{t.volunteer}}</th><th scope="col">{{t.status}}</th><th scope="col">{{t.dossier}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{received}}</td><td>{{procedure}}</td><td>{{village}}</td><td>{{volunteer}}</td><td><span class="badge s-{{statusKey}}">{{status}}</span></td><td><a href="/console/dossiers/{{id}}" class="open-dossier">{{t.open}} {{short}}</a></td></tr>{{/rows}}</tbody>
        </table></div>
        {{/hasRows}}
        {{^hasRows}}<p>{{t.noDossiers}}</p>{{/hasRows}}
        <p class="pager">{{#firstLink}}<a href="{{firstLink}}">{{t.first}}</a>{{/firstLink}} {{#nextLink}}<a href="{{nextLink}}" rel="next" id="next-page">{{t.next}}</a>{{/nextLink}}</p>
        """,
        "dossier": """
        <p class="noprint"><a href="/console/queue">← {{t.back}}</a> · <span class="print-hint">{{t.print}}: Ctrl+P</span></p>
        <h1>{{procedure}}</h1>
        <dl class="facts card">
        <dt>{{t.resident}}</dt><dd id="resident">{{resident}}</dd>
        <dt>{{t.status}}</dt><dd><span class="badge s-{{statusKey}}" id="current-status">{{status}}</span>{{#reason}} — {{reason}}{{/reason}}{{#portalCode}} · {{portalCode}}{{/portalCode}}</dd>
        <dt>{{t.village}}</dt><dd>{{village}}</dd>
        <dt>{{t.volunteer}}</dt><dd>{{volunteer}}</dd>
        <dt>{{t.received}}</dt><dd>{{received}}</dd>
        <dt>{{t.dossier}}</dt><dd><code>{{id}}</code></dd>
        </dl>
        <section aria-labelledby="answers-h"><h2 id="answers-h">{{t.answers}}</h2>
        <table class="answers"><thead><tr><th scope="col">{{t.question}}</th><th scope="col">{{t.answer}}</th></tr></thead>
        <tbody>{{#answers}}<tr><th scope="row">{{question}}</th><td>{{answer}}</td></tr>{{/answers}}</tbody></table>
        </section>
        <section aria-labelledby="papers-h"><h2 id="papers-h">{{t.papers}}</h2>
        <ul class="papers">{{#papers}}<li class="{{#present}}ok{{/present}}{{^present}}missing{{/present}}"><span class="mark">{{#present}}✓ {{t.present}}{{/present}}{{^present}}✗ {{t.missing}}{{/present}}</span> {{text}}</li>{{/papers}}</ul>
        </section>
        {{#hasFiles}}<section aria-labelledby="files-h"><h2 id="files-h">{{t.files}}</h2>
        <div class="files">{{#files}}<figure>{{#image}}<img src="{{url}}" alt="{{caption}}" loading="lazy">{{/image}}{{#pdf}}<object data="{{url}}" type="application/pdf" aria-label="{{caption}}"><a href="{{url}}">{{t.openFile}}</a></object>{{/pdf}}
        <figcaption>{{caption}} · <a href="{{url}}">{{t.openFile}}</a></figcaption></figure>{{/files}}</div>
        </section>{{/hasFiles}}
        <section aria-labelledby="actions-h" class="card noprint"><h2 id="actions-h">{{t.actions}}</h2>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        <form method="post" action="/console/dossiers/{{id}}/status">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="grid">
        <div><label for="new-status">{{t.newStatus}}</label><select id="new-status" name="status">{{#statuses}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></div>
        <div><label for="portal-code">{{t.portalCode}}</label><input id="portal-code" name="portalCode" type="text" maxlength="200" value="{{portalCode}}"></div>
        </div>
        <label for="reason">{{t.reason}}</label>
        <textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
        <p><button type="submit" id="save-status">{{t.save}}</button></p>
        </form>
        </section>
        <section aria-labelledby="revisions-h"><h2 id="revisions-h">{{t.revisions}}</h2>
        {{#revisions}}<article class="revision card"><h3>{{t.revision}} {{number}} · {{kind}} · {{received}}</h3>
        {{#first}}<p>{{t.firstRevision}}</p>{{/first}}
        {{#hasDiff}}<table class="diff"><thead><tr><th scope="col">{{t.question}}</th><th scope="col">−</th><th scope="col">+</th></tr></thead><tbody>{{#diff}}<tr><th scope="row">{{question}}</th><td class="old">{{old}}</td><td class="new">{{new}}</td></tr>{{/diff}}</tbody></table>{{/hasDiff}}
        {{#unchanged}}<p>{{t.noChange}}</p>{{/unchanged}}
        <details><summary>{{t.receipt}}</summary><dl class="receipt"><dt>SHA-256</dt><dd><code>{{sha}}</code></dd><dt>{{t.received}}</dt><dd><code>{{receivedRaw}}</code></dd><dt>Ed25519</dt><dd><code class="wrap">{{signature}}</code></dd><dt>{{t.device}}</dt><dd><code>{{device}}</code></dd></dl></details>
        </article>{{/revisions}}
        </section>
        """,
        "dashboard": """
        <h1>{{t.dashboard}} · {{monthLabel}}</h1>
        <form method="get" action="/console/dashboard" class="inline-form noprint"><label for="month">{{t.month}}</label> <input id="month" name="month" type="month" value="{{month}}"> <button type="submit">{{t.show}}</button></form>
        <div class="charts">
        <section class="card" aria-labelledby="c1"><h2 id="c1">{{t.perDay}}</h2>{{{perDay}}}</section>
        <section class="card" aria-labelledby="c2"><h2 id="c2">{{t.onlineShare}}</h2>{{{online}}}</section>
        <section class="card" aria-labelledby="c3"><h2 id="c3">{{t.byVillage}}</h2>{{{byVillage}}}</section>
        <section class="card" aria-labelledby="c4"><h2 id="c4">{{t.byProcedure}}</h2>{{{byProcedure}}}</section>
        <section class="card" aria-labelledby="c5"><h2 id="c5">{{t.backlog}}</h2>{{{backlog}}}</section>
        </div>
        <section aria-labelledby="ind-h"><h2 id="ind-h">{{t.indicators}}</h2>
        <table class="indicators"><thead><tr><th scope="col">{{t.indicator}}</th><th scope="col">{{t.value}}</th></tr></thead>
        <tbody>{{#figures}}<tr><th scope="row">{{name}}</th><td>{{value}}</td></tr>{{/figures}}</tbody></table>
        <p class="noprint"><strong>{{t.downloads}}:</strong> <a href="/console/reports/{{month}}.xlsx">XLSX</a> · <a href="/console/reports/{{month}}.html">HTML</a> · <a href="/console/reports/{{month}}.csv">CSV</a></p>
        </section>
        {{#officer}}<section aria-labelledby="ann-h" class="card"><h2 id="ann-h">{{t.announcements}}</h2>
        <form method="post" action="/console/announcements" class="noprint"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="message">{{t.announcement}}</label><textarea id="message" name="message" rows="2" maxlength="2000" required></textarea>
        <p><button type="submit">{{t.send}}</button></p></form>
        <ul>{{#announcements}}<li><time>{{at}}</time> — {{message}}</li>{{/announcements}}</ul>
        </section>{{/officer}}
        """,
        "codes": """
        <h1>{{t.codes}}</h1>
        {{#code}}<div class="card shown-once" role="status"><p>{{t.codeOnce}}</p><p class="code" id="enrol-code">{{code}}</p><p>{{volunteer}} · {{t.expires}}: {{expires}}</p></div>{{/code}}
        <form method="post" action="/console/admin/codes" class="card narrow"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="volunteer">{{t.volunteer}}</label><select id="volunteer" name="volunteer" required>{{#volunteers}}<option value="{{key}}">{{label}}</option>{{/volunteers}}</select>
        <p><button type="submit">{{t.makeCode}}</button></p></form>
        """,
        "devices": """
        <h1>{{t.devices}}</h1>
        <div class="scroll"><table><thead><tr><th scope="col">{{t.name}}</th><th scope="col">{{t.volunteer}}</th><th scope="col">{{t.enrolled}}</th><th scope="col">{{t.lastSeen}}</th><th scope="col">{{t.status}}</th></tr></thead>
        <tbody>{{#devices}}<tr><td>{{name}} <code>{{id}}</code></td><td>{{volunteer}}</td><td>{{enrolled}}</td><td>{{lastSeen}}</td><td>{{#revoked}}{{t.revoked}} {{revoked}}{{/revoked}}{{^revoked}}<form method="post" action="/console/admin/devices/{{id}}/revoke" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="{{t.revoke}} {{name}}">{{t.revoke}}</button></form>{{/revoked}}</td></tr>{{/devices}}</tbody></table></div>
        """,
        "officers": """
        <h1>{{t.officers}}</h1>
        {{#token}}<div class="card shown-once" role="status"><p>{{t.tokenOnce}}</p><p class="code" id="new-token">{{token}}</p></div>{{/token}}
        <div class="scroll"><table><thead><tr><th scope="col">{{t.name}}</th><th scope="col">{{t.role}}</th><th scope="col">{{t.created}}</th><th scope="col">{{t.status}}</th></tr></thead>
        <tbody>{{#staff}}<tr><td>{{name}} <code>{{id}}</code></td><td>{{role}}</td><td>{{created}}</td><td>{{#revoked}}{{t.revoked}} {{revoked}}{{/revoked}}{{^revoked}}{{t.active}}{{#canRevoke}} <form method="post" action="/console/admin/officers/{{id}}/revoke" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="{{t.revoke}} {{name}}">{{t.revoke}}</button></form>{{/canRevoke}}{{/revoked}}</td></tr>{{/staff}}</tbody></table></div>
        <form method="post" action="/console/admin/officers" class="card narrow"><h2>{{t.addOfficer}}</h2><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="officer-name">{{t.name}}</label><input id="officer-name" name="name" type="text" maxlength="200" required>
        {{#hasCommunes}}<label for="officer-commune">{{t.commune}}</label><select id="officer-commune" name="commune" required>{{#communes}}<option value="{{key}}">{{label}}</option>{{/communes}}</select>{{/hasCommunes}}
        <p><button type="submit">{{t.addOfficer}}</button></p></form>
        """,
        "audit": """
        <h1>{{t.audit}}</h1>
        <div class="scroll"><table><thead><tr><th scope="col">{{t.when}}</th><th scope="col">{{t.who}}</th><th scope="col">{{t.what}}</th><th scope="col">{{t.dossier}}</th><th scope="col">{{t.where}}</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{at}}</td><td>{{who}}</td><td><code>{{action}}</code></td><td><code>{{dossier}}</code></td><td>{{address}}</td></tr>{{/entries}}</tbody></table></div>
        <p class="pager">{{#olderLink}}<a href="{{olderLink}}" rel="next">{{t.older}}</a>{{/olderLink}}</p>
        """,
    ]

    /// Every template compiled once; a template that does not parse is a build-time bug, and
    /// the tests render every page.
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, source) in sources {
            try library.register(source, named: name)
        }
        return library
    }
}
