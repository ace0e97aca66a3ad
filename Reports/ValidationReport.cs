using System.Text.Json;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>Published-run validation as a terminal table (per table: rows, then mean and worst absolute error) or JSON.</summary>
public static class ValidationReport
{
    public static void WriteTable(IReadOnlyList<ValidationRow> rows, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        foreach (var group in rows.GroupBy(r => r.Table))
        {
            var table = new Table().Title($"{group.Key}: {group.First().Metric}").AddColumns("run", "predicted", "published", "error %");
            foreach (var row in group)
                table.AddRow(Markup.Escape(row.Name), $"{row.Predicted:F2}", $"{row.Published:F2}", $"{row.ErrorPercent:+0.00;-0.00}");
            console.Write(table);
            var (mean, worst) = Summary(group.ToList());
            console.WriteLine($"{group.Key}: mean absolute error {mean:F2} %, worst {worst:F2} % over {group.Count()} rows");
        }
    }

    /// <summary>Mean absolute percentage error and the worst absolute error.</summary>
    public static (double Mape, double Worst) Summary(IReadOnlyList<ValidationRow> rows) =>
        (rows.Average(r => Math.Abs(r.ErrorPercent)), rows.Max(r => Math.Abs(r.ErrorPercent)));

    public static string Json(IReadOnlyList<ValidationRow> rows) => JsonSerializer.Serialize(
        rows.Select(r => new { table = r.Table, name = r.Name, metric = r.Metric, predicted = r.Predicted, published = r.Published, errorPercent = r.ErrorPercent }),
        JsonFormat.Options);
}
