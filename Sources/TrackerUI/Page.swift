/// The shell every page shares: head, styles, navigation and the small script that sorts
/// tables and refreshes a running run. Nothing is loaded from the network.
struct Page {
    var title: String
    var body: String
    /// A JSON endpoint to poll while the page shows something live (a running run), with
    /// the state the page was rendered from; the page reloads when the state changes.
    var poll: (url: String, state: String)?

    func render() -> String {
        let pollAttributes = poll.map { " data-poll=\"\(HTML.escape($0.url))\" data-state=\"\(HTML.escape($0.state))\"" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>\(HTML.escape(title)) · tracker</title>
            \(poll == nil ? "" : "<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>")
            <style>\(Page.css)</style>
            \(StaticAsset.tags)
            </head><body\(pollAttributes)>
            <header><a class="brand" href="/">tracker</a> <a href="/">runs</a> <a href="/compare">compare</a> <a href="/api/experiments">api</a></header>
            <main>
            \(body)
            </main>
            <script>\(Page.script)</script>
            </body></html>
            """
    }

    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
        header{background:#263238;padding:8px 16px}header a{color:#eceff1;margin-right:16px;text-decoration:none}
        header .brand{font-weight:bold}main{padding:12px 20px}
        h1{font-size:20px;margin:8px 0}h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ddd}
        table{border-collapse:collapse;background:white;margin:4px 0}th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:left}
        th{background:#eceff1;cursor:pointer;white-space:nowrap}td{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}
        pre{background:white;border:1px solid #e0e0e0;padding:8px;overflow:auto;max-height:320px}
        .status{padding:1px 6px;border-radius:8px;font-size:12px;background:#e0e0e0}
        .status.finished{background:#c8e6c9}.status.running{background:#bbdefb}.status.failed,.status.crashed,.status.diverged{background:#ffcdd2}
        .status.interrupted{background:#fff9c4}.error{color:#b71c1c;background:#ffebee;padding:6px;border:1px solid #ffcdd2}
        .warning td{background:#fff8e1}.level-error td{background:#ffebee}.muted{color:#777}
        .charts{display:flex;flex-wrap:wrap;gap:8px}.charts svg{background:white;border:1px solid #e0e0e0;max-width:100%;height:auto}
        form.filter input[type=text]{width:420px;font-family:monospace}.kv td:first-child{font-family:monospace}
        """

    /// Sorts `table.sortable` by a clicked column (numbers by `data-v`), and polls `data-poll`
    /// (with the charts explorer on the page, which appends new points itself, only a status
    /// change reloads).
    static let script = """
        document.querySelectorAll('table.sortable').forEach(function(t){
          t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
            var b=t.tBodies[0],rows=Array.from(b.rows),asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
            function k(r){var c=r.cells[i];if(!c)return '';return c.dataset.v!==undefined?(c.dataset.v===''?NaN:parseFloat(c.dataset.v)):c.textContent;}
            rows.sort(function(x,y){var a=k(x),c=k(y);if(typeof a==='number'||typeof c==='number'){
              if(isNaN(a))return 1;if(isNaN(c))return -1;return asc?a-c:c-a;}return asc?String(a).localeCompare(c):String(c).localeCompare(a);});
            rows.forEach(function(r){b.appendChild(r);});});});});
        (function(){var p=document.body.dataset.poll;if(!p)return;var s=document.body.dataset.state;
          setInterval(function(){fetch(p).then(function(r){return r.json();}).then(function(j){
            var n=0;for(var k in (j.metrics||{}))n+=j.metrics[k].count;var now=j.status+':'+n;
            if(document.getElementById('explorer')){now=j.status;s=s.split(':')[0];}
            if(now!==s)location.reload();}).catch(function(){});},3000);})();
        """
}
