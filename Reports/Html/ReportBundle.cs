using System.Text;
using System.Text.Json;
using CsvHelper;

namespace ScalePlanner.Reports.Html;

/// <summary>
/// Collects one run's files in memory (CSV, JSON, plots as PNG and SVG) and its sections, then writes them with run.json and
/// report.html into a folder all or nothing. The page is rendered from the same bytes `scaleplan report DIR` reads back.
/// </summary>
public sealed class ReportBundle(string command, string title, RunContext context)
{
    /// <summary>Pixel size of a plot's PNG and of its SVG's view box.</summary>
    public const int PlotWidth = 900, PlotHeight = 540;

    private readonly Dictionary<string, byte[]> files = [];
    private readonly List<ReportSection> sections = [];

    public IReadOnlyDictionary<string, byte[]> Files => files;

    public void AddCsv(string name, Action<CsvWriter> write) => Add(name, CsvTable.Bytes(write));

    public void AddText(string name, string text) => Add(name, Encoding.UTF8.GetBytes(text));

    /// <summary>Saves the plot as name.png and name.svg and returns the figure that shows it.</summary>
    public ReportFigure AddPlot(string name, ScottPlot.Plot plot, string caption, int width = PlotWidth, int height = PlotHeight)
    {
        Add($"{name}.png", plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
        Add($"{name}.svg", Encoding.UTF8.GetBytes(plot.GetSvgXml(width, height)));
        return new ReportFigure(caption, $"{name}.svg", $"{name}.png");
    }

    public void AddSection(string id, string heading, IReadOnlyList<string> paragraphs, IReadOnlyList<ReportTable> tables, IReadOnlyList<ReportFigure> figures) =>
        sections.Add(new ReportSection(id, heading, paragraphs, tables, figures));

    public ReportManifest Manifest(DateTime createdUtc) =>
        new(command, title, createdUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), [.. sections], context);

    /// <summary>Every file plus run.json and report.html, written into the folder together; returns their full paths.</summary>
    public IReadOnlyList<string> Write(string folder, DateTime createdUtc)
    {
        var manifest = Manifest(createdUtc);
        string page = HtmlReport.Render(manifest, name => files[name]);
        var writers = files.ToDictionary(f => f.Key, f => (Action<string>)(path => File.WriteAllBytes(path, f.Value)));
        writers[ReportManifest.FileName] = path => File.WriteAllText(path, JsonSerializer.Serialize(manifest, JsonFormat.Options));
        writers[HtmlReport.FileName] = path => File.WriteAllText(path, page);
        return OutputFolder.Write(folder, writers);
    }

    private void Add(string name, byte[] bytes)
    {
        if (!files.TryAdd(name, bytes)) throw new InvalidOperationException($"the report already has a file named {name}");
    }
}
