using System.Diagnostics;
using ScalePlanner.Simulator.Hardware;
using Layout = ScalePlanner.Simulator.Layouts.Layout;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;
using Spectre.Console;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan bench`'s timeline part: one step of GPT-3 175B on 1,024 A100 (128 nodes × 8) with 64 micro-batches per
/// pipeline, event by event, for each pipeline schedule, a ZeRO-3 layout and one group per device. Warm-up runs (JIT), then the median.
/// </summary>
public static class TimelineBench
{
    /// <summary>The reference size: 1,024 devices, 64 micro-batches per pipeline.</summary>
    public const int MicroBatches = 64;

    public static readonly string[] Layouts =
    [
        "dp=16,tp=8,pp=8,sp=on,recompute=selective,schedule=1f1b",
        "dp=16,tp=8,pp=8,sp=on,recompute=selective,schedule=gpipe",
        "dp=16,tp=8,pp=8,vp=4,sp=on,recompute=selective,schedule=interleaved",
        "dp=8,tp=8,pp=16,recompute=full",
        "dp=32,tp=8,pp=4,zero=3,recompute=full",
        "dp=32,tp=1,pp=32,recompute=full",
    ];

    public static Table Run(int repeat)
    {
        var table = new Table().AddColumns("one step, 1,024 A100, m = 64", "groups × passes", "events", "timeline only: median ms", "min ms",
            "with event list: median ms", "cost model + timeline: median ms");
        foreach (var text in Layouts)
        {
            var layout = Layout.Parse(text);
            var job = Job(layout);
            layout.Validated(job.Model, job.Training, job.Cluster.Devices);
            var stepModel = new StepModel(job);
            var shape = stepModel.Shape(layout);
            var workload = StepWorkloadBuilder.Build(job, stepModel, shape, layout, new TimelineOptions());
            var bare = Measure(repeat, () => StepTimeline.Run(workload));
            var recorded = Measure(repeat, () => StepTimeline.Run(workload, recordEvents: true));
            var whole = Measure(repeat, () => TimelineSimulator.Evaluate(job, layout));
            var result = StepTimeline.Run(workload);
            table.AddRow(Markup.Escape(text), $"{workload.Groups} × {workload.OpsPerGroup}", $"{result.EventsProcessed:N0}",
                $"{bare.Median:F1}", $"{bare.Min:F1}", $"{recorded.Median:F1}", $"{whole.Median:F1}");
        }
        return table;
    }

    /// <summary>GPT-3 175B on 128 nodes of 8 A100 80GB, with the global batch that gives each pipeline 64 micro-batches.</summary>
    public static TrainingJob Job(Layout layout) => new(
        ModelPresets.Get("gpt3-175b"), ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 128),
        new TrainingSpec { GlobalBatchSize = MicroBatches * layout.Dp * layout.MicroBatch, Tokens = 3e11 });

    private static (double Median, double Min) Measure(int runs, Action action)
    {
        // Warm-up until the JIT has had time to tier the hot methods up: at least three runs and half a second.
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmUp.Elapsed.TotalSeconds < 0.5; i++) action();
        var milliseconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            milliseconds[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(milliseconds);
        return (milliseconds[runs / 2], milliseconds[0]);
    }
}
