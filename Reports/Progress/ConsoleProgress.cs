using System.Diagnostics;
using Spectre.Console;

namespace ScalePlanner.Reports.Progress;

/// <summary>
/// Long work's progress on standard error, one way for every command: on a terminal a Spectre.Console progress bar, redirected
/// one plain line per update (<see cref="PlainProgressView"/>).
/// </summary>
public static class ConsoleProgress
{
    /// <summary>
    /// Runs <paramref name="work"/> with a view of its progress and returns what it returns. <paramref name="live"/> false keeps
    /// plain lines even on a terminal, for work whose standard error other processes share (an mpirun launcher relaying its ranks).
    /// </summary>
    public static T Run<T>(Func<IProgressView, T> work, bool live = true)
    {
        if (!live || !Consoles.ErrorIsTerminal) return work(new PlainProgressView(Console.Error));
        return Consoles.Error.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context => work(new LiveProgressView(Consoles.Error, context.AddTask("starting", maxValue: 1))));
    }

    /// <summary>
    /// A search's (or any parallel work's) fraction done, shown only on a terminal and only once it has taken half a second (most
    /// finish sooner); redirected output gets nothing, the result says what was done. Reported from many threads.
    /// </summary>
    public static T Search<T>(Func<Action<double>?, T> work, string label = "searching")
    {
        if (!Consoles.ErrorIsTerminal) return work(null);
        var clock = Stopwatch.StartNew();
        return Consoles.Error.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                var gate = new object();
                return work(fraction =>
                {
                    if (clock.Elapsed.TotalSeconds < 0.5 && fraction < 1) return;
                    lock (gate)
                    {
                        task ??= context.AddTask(label, maxValue: 1);
                        task.Value = fraction;
                    }
                });
            });
    }
}
