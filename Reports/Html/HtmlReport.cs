using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace ScalePlanner.Reports.Html;

/// <summary>
/// report.html from a manifest and the files it names: one self-contained page (inline CSS, plots as inline SVG, tables as
/// HTML tables) written as XHTML-compatible HTML5, so it opens in any browser without a network and parses as XML.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    // No '<', '>' or '&' in the style sheet: it is written as XML text and read by browsers as raw text.
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; color: #1f2328; }
        header { border-bottom: 2px solid #4C78A8; margin-bottom: 16px; }
        h1 { font-size: 1.6em; margin: 24px 0 4px; }
        h2 { font-size: 1.25em; margin-top: 32px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
        p.meta { color: #57606a; margin: 4px 0 12px; }
        nav ul { list-style: none; padding: 0; margin: 0 0 12px; }
        nav li { display: inline; margin-right: 16px; }
        nav a { color: #0969da; text-decoration: none; }
        figure { margin: 16px 0; }
        svg.plot { width: 100%; height: auto; display: block; }
        figcaption { color: #57606a; font-size: 0.9em; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 0.85em; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; white-space: nowrap; }
        th { background: #f6f8fa; }
        td.text { text-align: left; white-space: normal; overflow-wrap: anywhere; min-width: 14em; }
        p { overflow-wrap: anywhere; }
        pre { background: #f6f8fa; padding: 12px; overflow-x: auto; font-size: 0.85em; }
        """;

    /// <summary>The page as text: a doctype line, then the XHTML document.</summary>
    public static string Render(ReportManifest manifest, Func<string, byte[]> readFile) =>
        "<!DOCTYPE html>\n" + Document(manifest, readFile).ToString() + "\n";

    public static XElement Document(ReportManifest manifest, Func<string, byte[]> readFile)
    {
        var sections = manifest.Sections.Select(s => Section(s, readFile)).Append(Provenance(manifest.Context.Provenance));
        if (manifest.Context.ScenarioJson is { } scenario) sections = sections.Append(Block("scenario", "Scenario", E("pre", scenario)));
        sections = sections.Append(Versions(manifest.Context.Versions)).ToList();
        var contents = sections.Select(s => E("li", E("a", new XAttribute("href", "#" + s.Attribute("id")!.Value), s.Element(Xhtml + "h2")!.Value)));
        return new XElement(Xhtml + "html", new XAttribute("lang", "en"),
            E("head", E("meta", new XAttribute("charset", "utf-8")), E("title", manifest.Title), E("style", Style)),
            E("body",
                E("header", E("h1", manifest.Title),
                    E("p", new XAttribute("class", "meta"), $"{manifest.Command} · {manifest.CreatedUtc} · ", E("code", manifest.Context.CommandLine)),
                    E("nav", E("ul", contents))),
                E("main", sections)));
    }

    private static XElement Section(ReportSection section, Func<string, byte[]> readFile) => Block(section.Id, section.Heading,
        section.Paragraphs.Select(p => E("p", p)),
        section.Figures.Select(f => E("figure",
            SvgEmbedding.Inline(Encoding.UTF8.GetString(readFile(f.Svg)), $"{Path.GetFileNameWithoutExtension(f.Svg)}-", f.Svg),
            E("figcaption", $"{f.Caption} (", E("code", f.Png), ", ", E("code", f.Svg), ")"))),
        section.Tables.Select(t => Table(t.Caption + $" ({t.File})", CsvTable.Read(readFile(t.File), t.File).Select(t.Columns, t.File))));

    private static XElement Provenance(Provenance provenance)
    {
        var facts = new CsvTable(["what", "value"], [.. provenance.Facts.Select(f => (IReadOnlyList<string>)[f.Name, f.Value])]);
        var validation = new CsvTable(["measurements", "metric", "applies to", "rows", "mean absolute error %", "worst absolute error %"],
            [.. provenance.Validation.Select(v => (IReadOnlyList<string>)[v.Source, v.Metric, v.AppliesTo, Invariant(v.Rows), Invariant(v.MeanAbsoluteErrorPercent), Invariant(v.WorstAbsoluteErrorPercent)])]);
        return Block("provenance", "Where the numbers come from",
            Table("inputs", facts),
            provenance.Validation.Count > 0
                ? Table("the cost model against measurements it was not fitted to", validation)
                : E("p", "No validation of the cost model applies to this run."));
    }

    private static XElement Versions(RunVersions versions)
    {
        IReadOnlyList<string>[] rows =
        [
            ["ScalePlanner", versions.ScalePlanner], [".NET", versions.DotNet], ["operating system", versions.OperatingSystem],
            .. versions.TorchSharp is { } t ? new IReadOnlyList<string>[] { ["TorchSharp", t] } : [],
            .. versions.LibTorch is { } l ? new IReadOnlyList<string>[] { ["LibTorch", l] } : [],
        ];
        return Block("versions", "Versions", Table("software used by this run", new CsvTable(["component", "version"], rows)));
    }

    private static XElement Block(string id, string heading, params object[] content) =>
        E("section", new XAttribute("id", id), E("h2", heading), content);

    /// <summary>A table with each column in its unit (<see cref="ColumnUnits"/>); the header's title attribute keeps the file's column name.</summary>
    private static XElement Table(string caption, CsvTable table) => E("div", new XAttribute("class", "scroll"),
        E("table", E("caption", caption),
            E("thead", E("tr", table.Header.Select(h => E("th", new XAttribute("title", h), ColumnUnits.Header(h))))),
            E("tbody", table.Rows.Select(r => E("tr", r.Select((text, i) => Cell(table.Header[i], text)))))));

    /// <summary>
    /// A cell: a column with a unit in that unit (GB, ms … days, $, %); other numbers right-aligned, from 10,000 up to 10¹⁵ as whole numbers with thousands separators, others with four
    /// significant digits; text left-aligned as written. The CSV file keeps every digit.
    /// </summary>
    private static XElement Cell(string column, string text)
    {
        if (ColumnUnits.Format(column, text) is { } shown) return E("td", shown);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return E("td", new XAttribute("class", "text"), text);
        double size = Math.Abs(value);
        return E("td", size is >= 1e4 and < 1e15 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture));
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An XHTML element; an element with no content gets an empty text node so it is written as a start and end tag (HTML has no self-closing td or p).</summary>
    private static XElement E(string name, params object?[] content)
    {
        var element = new XElement(Xhtml + name, content);
        if (!element.Nodes().Any() && name is not ("meta")) element.Add("");
        return element;
    }
}
