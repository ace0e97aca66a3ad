using ScalePlanner.Executor.Optimizers;
using ScalePlanner.Simulator.Layouts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>One optimizer behind one interface: TorchSharp's SGD (momentum 0.9), Adam and AdamW, and the project's LAMB and Adafactor.</summary>
public sealed class StepOptimizer : IOptimizerStep
{
    private readonly optim.Optimizer? torchOptimizer;
    private readonly Lamb? lamb;
    private readonly Adafactor? adafactor;

    public StepOptimizer(OptimizerKind kind, IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay)
    {
        Kind = kind;
        switch (kind)
        {
            case OptimizerKind.Sgd: torchOptimizer = optim.SGD(parameters, learningRate, momentum: 0.9, weight_decay: weightDecay); break;
            case OptimizerKind.Adam: torchOptimizer = optim.Adam(parameters, learningRate); break;
            case OptimizerKind.AdamW: torchOptimizer = optim.AdamW(parameters, learningRate, weight_decay: weightDecay); break;
            case OptimizerKind.Lamb: lamb = new Lamb(parameters, learningRate, weightDecay: weightDecay); break;
            default: adafactor = new Adafactor(parameters); break; // relative step size: it sets its own learning rate
        }
    }

    public OptimizerKind Kind { get; }

    public void Step(double learningRate)
    {
        if (torchOptimizer is not null)
        {
            foreach (var group in torchOptimizer.ParamGroups) group.LearningRate = learningRate;
            torchOptimizer.step();
        }
        else if (lamb is not null)
        {
            lamb.LearningRate = learningRate;
            lamb.Step();
        }
        else adafactor!.Step();
    }

    /// <summary>Writes the optimizer's state (moments, step counts) for a checkpoint.</summary>
    public void Save(BinaryWriter writer)
    {
        if (torchOptimizer is OptimizerHelper helper) helper.save_state_dict(writer);
        else if (lamb is not null) lamb.Save(writer);
        else adafactor!.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote into an optimizer built over the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        if (torchOptimizer is OptimizerHelper helper) helper.load_state_dict(reader);
        else if (lamb is not null) lamb.Load(reader);
        else adafactor!.Load(reader);
    }
}
