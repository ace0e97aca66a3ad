using ScalePlanner.Reports;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Planner.Bench;

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

    public static IReadOnlyList<BenchTable.TimelineRow> Run(int repeat) => [.. Layouts.Select(text =>
    {
        var layout = Layout.Parse(text);
        var job = Job(layout);
        layout.Validated(job.Model, job.Training, job.Cluster.Devices);
        var stepModel = new StepModel(job);
        var shape = stepModel.Shape(layout);
        var workload = StepWorkloadBuilder.Build(job, stepModel, shape, layout, new TimelineOptions());
        var result = StepTimeline.Run(workload);
        var bare = Timing.Of(repeat, () => StepTimeline.Run(workload));
        var recorded = Timing.Of(repeat, () => StepTimeline.Run(workload, recordEvents: true));
        var whole = Timing.Of(repeat, () => TimelineSimulator.Evaluate(job, layout));
        return new BenchTable.TimelineRow(text, workload.Groups, workload.OpsPerGroup, result.EventsProcessed, bare.MedianSeconds, bare.MinSeconds,
            recorded.MedianSeconds, whole.MedianSeconds);
    })];

    /// <summary>GPT-3 175B on 128 nodes of 8 A100 80GB, with the global batch that gives each pipeline 64 micro-batches.</summary>
    public static TrainingJob Job(Layout layout) => new(
        ModelPresets.Get("gpt3-175b"), ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 128),
        new TrainingSpec { GlobalBatchSize = MicroBatches * layout.Dp * layout.MicroBatch, Tokens = 3e11 });
}
