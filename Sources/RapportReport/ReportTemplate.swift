/// The report page's template (swift-mustache): the structure and the print rules; every chart's
/// SVG comes in whole from `ReportChart`. Kept in code, not a resource file, so an installed
/// `rapportctl` has nothing to look for at run time.
enum ReportTemplate {
    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Rapport report {{generated}}</title>
        <style>
        @page { size: auto; margin: 14mm 12mm; }
        html { color: #1a1a1a; background: #fff; }
        body { font: 14px/1.45 "DejaVu Sans", Arial, sans-serif; max-width: 186mm; margin: 0 auto; padding: 12px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 26px 0 6px; border-bottom: 2px solid #1a1a1a; padding-bottom: 2px; }
        p.meta { color: #444; margin: 0 0 12px; }
        ul.summary { padding-left: 20px; }
        figure { margin: 10px 0 18px; break-inside: avoid; page-break-inside: avoid; }
        svg { display: block; width: 100%; height: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 11px; margin-top: 6px; }
        caption { text-align: left; font-weight: bold; padding: 2px 0; }
        th, td { border-bottom: 1px solid #ccc; padding: 2px 6px; text-align: right; }
        th[scope=row], thead th:first-child { text-align: left; }
        tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #1a1a1a; }
        section { break-before: auto; }
        @media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } }
        </style>
        </head>
        <body>
        <header>
        <h1>Rapport — operator's report</h1>
        <p class="meta">Made {{generated}} from {{book}}; forecast {{period}}. No debtor is named in it.</p>
        </header>
        <section id="summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">In short</h2>
        <ul class="summary">
        {{#summary}}<li>{{.}}</li>
        {{/summary}}</ul>
        </section>
        {{#sections}}
        <section id="{{id}}" aria-labelledby="{{id}}-heading">
        <h2 id="{{id}}-heading">{{heading}}</h2>
        <p>{{intro}}</p>
        {{#charts}}
        <figure>
        {{{svg}}}
        <table data-table="{{table}}">
        <caption>{{caption}}</caption>
        <thead><tr>{{#header}}<th scope="col">{{.}}</th>{{/header}}</tr></thead>
        <tbody>
        {{#rows}}<tr><th scope="row">{{head}}</th>{{#cells}}<td data-key="{{key}}">{{text}}</td>{{/cells}}</tr>
        {{/rows}}</tbody>
        {{#total}}<tfoot><tr><th scope="row">{{head}}</th>
        {{#cells}}<td data-key="{{key}}">{{text}}</td>{{/cells}}</tr></tfoot>{{/total}}
        </table>
        </figure>
        {{/charts}}
        {{#isInbox}}
        <table data-table="inbox">
        <caption>Inbox</caption>
        <tbody>
        <tr><th scope="row">waiting for a person</th><td data-key="waiting">{{inboxWaiting}}</td></tr>
        <tr><th scope="row">oldest since (UTC)</th><td data-key="oldest">{{inboxOldest}}</td></tr>
        </tbody>
        </table>
        {{/isInbox}}
        </section>
        {{/sections}}
        </body>
        </html>

        """
}
