namespace ScalePlanner.Reports.Html;

/// <summary>
/// run.json: what a report folder holds and how report.html is laid out. The tables and figures name files in the same
/// folder (CSV and SVG), so `scaleplan report DIR` rebuilds the page from the folder alone.
/// </summary>
public sealed record ReportManifest(
    string Command, string Title, string CreatedUtc, IReadOnlyList<ReportSection> Sections, RunContext Context)
{
    /// <summary>The file name `--out` folders carry the manifest under.</summary>
    public const string FileName = "run.json";
}

/// <summary>One section of the page: a heading, paragraphs, tables read from CSV files and figures read from SVG files.</summary>
public sealed record ReportSection(string Id, string Heading, IReadOnlyList<string> Paragraphs, IReadOnlyList<ReportTable> Tables, IReadOnlyList<ReportFigure> Figures);

/// <summary>A CSV file of the folder shown as a table; <paramref name="Columns"/> picks and orders columns (all when empty).</summary>
public sealed record ReportTable(string Caption, string File, IReadOnlyList<string> Columns);

/// <summary>A plot of the folder: its SVG (inlined into the page) and its PNG (for slides).</summary>
public sealed record ReportFigure(string Caption, string Svg, string Png);

/// <summary>What the run rests on: the command line, the scenario file's text, where the numbers come from, the versions.</summary>
public sealed record RunContext(string CommandLine, string? ScenarioJson, Provenance Provenance, RunVersions Versions);

/// <summary>"Where the numbers come from": named facts (device profile, its source and date) and the cost model's validation error.</summary>
public sealed record Provenance(IReadOnlyList<ProvenanceFact> Facts, IReadOnlyList<ValidationSummary> Validation);

public sealed record ProvenanceFact(string Name, string Value);

/// <summary>The error of the cost model against one set of measurements, over <paramref name="Rows"/> rows.</summary>
public sealed record ValidationSummary(string Source, string Metric, string AppliesTo, int Rows, double MeanAbsoluteErrorPercent, double WorstAbsoluteErrorPercent);
