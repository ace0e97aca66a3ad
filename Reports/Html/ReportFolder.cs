using System.Text.Json;

namespace ScalePlanner.Reports.Html;

/// <summary>`scaleplan report DIR`: report.html rebuilt from the run.json, CSV and SVG files an `--out` folder holds.</summary>
public static class ReportFolder
{
    public static ReportManifest ReadManifest(string folder)
    {
        string path = Path.Combine(folder, ReportManifest.FileName);
        if (!File.Exists(path)) throw new Simulator.Specs.SpecException("DIR", $"'{folder}' has no {ReportManifest.FileName}; give a folder written by --out");
        try
        {
            return JsonSerializer.Deserialize<ReportManifest>(File.ReadAllText(path), JsonFormat.Options)
                   ?? throw new Simulator.Specs.SpecException(ReportManifest.FileName, "is empty");
        }
        catch (JsonException ex)
        {
            throw new Simulator.Specs.SpecException(ReportManifest.FileName, $"is not a report manifest (line {ex.LineNumber + 1}): {ex.Message}");
        }
    }

    public static string Render(string folder) => HtmlReport.Render(ReadManifest(folder), name =>
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : throw new Simulator.Specs.SpecException("DIR", $"'{folder}' lacks {name}, which {ReportManifest.FileName} names");
    });

    /// <summary>Rebuilds report.html in place (all or nothing) and returns its path.</summary>
    public static string Rebuild(string folder)
    {
        string page = Render(folder);
        return OutputFolder.Write(folder, new Dictionary<string, Action<string>> { [HtmlReport.FileName] = path => File.WriteAllText(path, page) })[0];
    }
}
