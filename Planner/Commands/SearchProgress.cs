using System.Diagnostics;

namespace ScalePlanner.Planner.Commands;

/// <summary>A one-line progress indicator on stderr for searches that take long enough to notice (over half a second), only on a terminal.</summary>
public static class SearchProgress
{
    public static Action<double>? ToStandardError()
    {
        if (Console.IsErrorRedirected) return null;
        var clock = Stopwatch.StartNew();
        var gate = new object();
        bool shown = false;
        return fraction =>
        {
            if (clock.Elapsed.TotalSeconds < 0.5 && fraction < 1) return;
            lock (gate)
            {
                if (fraction >= 1)
                {
                    if (shown) Console.Error.Write("\r\u001b[2K");
                    return;
                }
                shown = true;
                Console.Error.Write($"\rsearching… {fraction:P0}");
            }
        };
    }
}
