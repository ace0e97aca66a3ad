using System.Text.Json;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>Published-run validation as a terminal table (per table: rows, then mean and worst absolute error) or JSON.</summary>
public static class ValidationReport
{
    /// <summary>Sets longer than this print their worst rows only; the summary covers every row.</summary>
    public const int RowsShownInFull = 24;

    public static void WriteTable(IReadOnlyList<ValidationRow> rows, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        foreach (var group in rows.GroupBy(r => r.Table))
        {
            var all = group.ToList();
            bool full = all.Count <= RowsShownInFull;
            var shown = full ? all : [.. all.OrderByDescending(r => Math.Abs(r.ErrorPercent)).Take(5)];
            string metrics = string.Join(", ", all.Select(r => r.Metric).Distinct());
            var table = new Table().Title($"{group.Key}: {metrics}{(full ? "" : $" (the 5 worst of {all.Count} rows)")}").AddColumns("run", "predicted", "published", "error %");
            foreach (var row in shown)
                table.AddRow(Markup.Escape(row.Name), $"{row.Predicted:G5}", $"{row.Published:G5}", $"{row.ErrorPercent:+0.00;-0.00}");
            console.Write(table);
            var (mean, worst) = Summary(all);
            console.WriteLine($"{group.Key}: mean absolute error {mean:F2} %, worst {worst:F2} % over {all.Count} rows");
        }
        var summary = new Table().Title("every set").AddColumns("set", "rows", "MAPE %", "worst row", "its error %", "in the goal");
        foreach (var group in rows.GroupBy(r => r.Table))
        {
            var all = group.ToList();
            var worstRow = all.MaxBy(r => Math.Abs(r.ErrorPercent))!;
            summary.AddRow(Markup.Escape(group.Key), $"{all.Count}", $"{Summary(all).Mape:F2}", Markup.Escape(worstRow.Name), $"{worstRow.ErrorPercent:+0.00;-0.00}",
                all[0].InGoal ? "yes" : "no");
        }
        console.Write(summary);
        foreach (var group in rows.Where(r => !r.InGoal).GroupBy(r => r.Table))
            console.WriteLine($"outside the goal: {group.Key} ({group.First().Regime}): {group.First().Reason}");
    }

    /// <summary>Mean absolute percentage error and the worst absolute error.</summary>
    public static (double Mape, double Worst) Summary(IReadOnlyList<ValidationRow> rows) =>
        (rows.Average(r => Math.Abs(r.ErrorPercent)), rows.Max(r => Math.Abs(r.ErrorPercent)));

    public static string Json(IReadOnlyList<ValidationRow> rows) => JsonSerializer.Serialize(
        rows.Select(r => new { table = r.Table, name = r.Name, metric = r.Metric, predicted = r.Predicted, published = r.Published, errorPercent = r.ErrorPercent, inGoal = r.InGoal }),
        JsonFormat.Options);
}
