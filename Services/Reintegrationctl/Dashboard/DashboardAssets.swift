/// The page's stylesheet and script, compiled into the tool so it serves everything the
/// page needs and the browser fetches nothing from elsewhere.
enum DashboardAssets {
    static let stylesheet = """
        :root { color-scheme: light; }
        body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1b1b1b; background: #ffffff;
               margin: 1.5rem 2rem; line-height: 1.4; font-size: 1rem; }
        header { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
        h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
        h2 { font-size: 1.25rem; margin: 1.75rem 0 0.5rem; }
        a { color: #0b4f8a; }
        a:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
        #status { font-weight: 600; padding: 0.4rem 0.6rem; border-left: 0.3rem solid #2e7d32; background: #f1f8f1; }
        #status.stale { border-left-color: #b71c1c; background: #fdecea; }
        table { border-collapse: collapse; width: 100%; max-width: 80rem; }
        th, td { border: 1px solid #c7ced3; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #e8ecef; vertical-align: bottom; }
        tbody th { font-weight: 600; }
        .number { text-align: right; font-variant-numeric: tabular-nums; }
        tfoot tr.total th, tfoot tr.total td { font-weight: 700; background: #f6f7f8; }
        #overdue tbody td:last-child { font-weight: 700; color: #8e1212; }
        p.note { color: #4a4a4a; font-size: 0.9rem; max-width: 60rem; }
        """

    /// Polls `/api/summary` and rewrites the tables' rows in place; the page never reloads.
    static let script = """
        "use strict";
        (function () {
          const body = document.body;
          const interval = Number(body.dataset.refreshMs) || 2000;
          const statusLine = document.getElementById("status");
          const language = document.documentElement.lang;
          let lastStatus = statusLine.textContent;
          let asOf = body.dataset.asOf;

          function row(key, cells, numeric, className) {
            const tr = document.createElement("tr");
            if (className) tr.className = className;
            tr.dataset.key = key;
            cells.forEach(function (text, index) {
              const cell = document.createElement(index === 0 ? "th" : "td");
              if (index === 0) cell.scope = "row";
              if (numeric[index]) cell.className = "number";
              cell.textContent = text;
              tr.appendChild(cell);
            });
            return tr;
          }

          function fill(id, rows, total) {
            const table = document.getElementById(id);
            const numeric = Array.from(table.tHead.rows[0].cells).map(function (cell) { return cell.hasAttribute("data-numeric"); });
            let replacement;
            if (rows.length === 0) {
              const tr = document.createElement("tr");
              const td = document.createElement("td");
              td.colSpan = numeric.length;
              td.textContent = table.dataset.empty;
              tr.appendChild(td);
              replacement = [tr];
            } else {
              replacement = rows.map(function (r) { return row(r.key, r.cells, numeric); });
            }
            table.tBodies[0].replaceChildren.apply(table.tBodies[0], replacement);
            if (total && table.tFoot) table.tFoot.replaceChildren(row(total.key, total.cells, numeric, "total"));
          }

          function apply(view) {
            document.title = view.title;
            fill("agencies", view.agencies, view.total);
            fill("overdue", view.overdue);
            fill("extensions", view.extensions);
            document.getElementById("overdue-count").textContent = String(view.overdueCount);
            document.getElementById("extension-count").textContent = String(view.pendingExtensionCount);
            statusLine.classList.remove("stale");
            if (view.status !== lastStatus) statusLine.textContent = view.status;
            lastStatus = view.status;
            asOf = view.asOf;
            body.dataset.updates = String(Number(body.dataset.updates) + 1);
          }

          function stale(message) {
            statusLine.classList.add("stale");
            if (lastStatus !== message) statusLine.textContent = message;
            lastStatus = message;
          }

          async function refresh() {
            try {
              // Resolved against the address without any user:password@ in it: a browser
              // refuses to fetch a URL that carries credentials, and sends the ones it holds.
              const address = new URL("api/summary?lang=" + encodeURIComponent(language), location.origin + location.pathname);
              const response = await fetch(address,
                { cache: "no-store", credentials: "same-origin", headers: { "Accept": "application/json" } });
              if (response.status === 401) {
                stale(body.dataset.signInAgain);
              } else if (!response.ok) {
                stale(body.dataset.stale + " " + asOf + ".");
              } else {
                apply((await response.json()).view);
              }
            } catch (error) {
              stale(body.dataset.stale + " " + asOf + ".");
            } finally {
              window.setTimeout(refresh, interval);
            }
          }

          window.setTimeout(refresh, interval);
        })();
        """
}
