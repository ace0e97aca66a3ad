using Spectre.Console;

namespace ScalePlanner.Reports.Progress;

/// <summary>A terminal: one Spectre.Console progress task whose description is the latest live line; other lines print above it.</summary>
public sealed class LiveProgressView(IAnsiConsole console, ProgressTask task) : IProgressView
{
    public void Advance(double done, double total, string live, string plain)
    {
        task.MaxValue = total;
        task.Value = done;
        task.Description = Markup.Escape(live);
    }

    public void Line(string text) => console.WriteLine(text);
}
