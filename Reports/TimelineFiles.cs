using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Reports;

/// <summary>`simulate --timeline --out DIR`: timeline.json and the Gantt chart as gantt.png and gantt.svg, all or nothing.</summary>
public static class TimelineFiles
{
    public static IReadOnlyList<string> Write(TimelineSimulation simulation, string title, string folder)
    {
        var chart = GanttChart.Build(simulation.Timeline, title);
        var (width, height) = GanttChart.Size(simulation.Timeline);
        return OutputFolder.Write(folder, new Dictionary<string, Action<string>>
        {
            ["timeline.json"] = path => File.WriteAllText(path, TimelineJson.Serialize(simulation)),
            ["gantt.png"] = path => chart.SavePng(path, width, height),
            ["gantt.svg"] = path => chart.SaveSvg(path, width, height),
        });
    }
}
