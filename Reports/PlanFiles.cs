using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports;

/// <summary>`plan --out DIR`: plan.csv, plan.json, the Pareto plot as PNG and SVG.</summary>
public static class PlanFiles
{
    public static IReadOnlyList<string> Write(PlanResult plan, string folder)
    {
        var pareto = ParetoPlot.Build(plan, plan.FastestPerCluster);
        return OutputFolder.Write(folder, new Dictionary<string, Action<string>>
        {
            ["plan.csv"] = path => { using var stream = File.Create(path); PlanCsv.Write(plan, stream); },
            ["plan.json"] = path => File.WriteAllText(path, PlanJson.Serialize(plan)),
            ["pareto.png"] = path => pareto.SavePng(path, 900, 600),
            ["pareto.svg"] = path => pareto.SaveSvg(path, 900, 600),
        });
    }
}
