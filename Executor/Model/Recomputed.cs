using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Activation recomputation (gradient checkpointing, Chen et al. 2016): the forward pass runs the function without autograd
/// and keeps only its inputs; the backward pass runs it again with autograd on detached copies of those inputs and
/// back-propagates the incoming gradient through the recomputed graph, which accumulates the parameters' gradients and yields
/// the inputs' (the re-entrant scheme of PyTorch's torch.utils.checkpoint). Everything the function builds is freed right away
/// in both passes by its own dispose scope.
/// </summary>
public sealed class Recomputed : SingleTensorFunction<Recomputed>
{
    private const string FunctionKey = "function";

    public override string Name => nameof(Recomputed);

    /// <summary><paramref name="function"/>(<paramref name="inputs"/>), keeping only the inputs for backward.</summary>
    public static Tensor Apply(Func<Tensor[], Tensor> function, params Tensor[] inputs) => apply([.. inputs, function]);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var inputs = vars.OfType<Tensor>().ToArray();
        var function = vars.OfType<Func<Tensor[], Tensor>>().Single();
        ctx.save_for_backward([.. inputs]);
        ctx.save_data(FunctionKey, function);
        using var scope = NewDisposeScope();
        return function(inputs).MoveToOuterDisposeScope();
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var function = (Func<Tensor[], Tensor>)ctx.get_data(FunctionKey);
        using var scope = NewDisposeScope();
        using var withGrad = enable_grad();
        var leaves = ctx.get_saved_variables().Select(t => t.detach().requires_grad_(true)).ToArray();
        function(leaves).backward([grad_output]);
        return [.. leaves.Select(leaf => leaf.grad?.MoveToOuterDisposeScope()!), null!];   // one gradient per input, none for the function
    }
}
