# ---- Command line ----


def max_abs_diff(a, b):
    if isinstance(a, (list, tuple)):
        return max((max_abs_diff(u, v) for u, v in zip(a, b)), default=0.0)
    return abs(a - b)


def main():
    parser = argparse.ArgumentParser(description='Train the rnnlab run in PyTorch.')
    parser.add_argument('--weights', default='model.safetensors', help='the playground\'s weights (skipped if missing)')
    parser.add_argument('--steps', type=int, default=STEPS, help='training steps (0: evaluate only)')
    parser.add_argument('--fresh-stream', action='store_true',
                        help='start the batch stream at its beginning instead of where the exported run stopped')
    if RESERVOIR:
        parser.add_argument('--fit-readout', action='store_true', help='fit the head by ridge regression first (as the playground\'s button)')
    parser.add_argument('--eval-every', type=int, default=100)
    parser.add_argument('--dtype', choices=['float32', 'float64'], default='float32',
                        help='float64 computes as the playground\'s CPU engine does (float32: as its WebGPU engine)')
    parser.add_argument('--save', default='model_trained.safetensors', help='where the trained weights go')
    parser.add_argument('--check', metavar='FILE', help='JSON {"x": (T, B, X), "outputs": (T, B, Y)} from the playground: '
                        'compare the model\'s outputs, exit 1 if they differ by more than --tol')
    parser.add_argument('--tol', type=float, default=1e-4)
    if HAS_PURE_FORWARD:
        parser.add_argument('--pure-check', metavar='FILE', help='like --check, with the plain-Python forward (no torch needed)')
    if DATA_FILE is not None:
        parser.add_argument('--data', default=DATA_FILE, help='the data file the run trained on')
    if TASK == 'csv':
        parser.add_argument('--column', default=CSV_COLUMN, help='the CSV column to predict')
    if TASK == 'char':
        parser.add_argument('--sample', type=int, default=0, metavar='N', help='sample N characters after training')
        parser.add_argument('--temperature', type=float, default=0.8)
        parser.add_argument('--prime', default='', help='text to start sampling from')
    args = parser.parse_args()

    if HAS_PURE_FORWARD and args.pure_check:
        with open(args.pure_check) as f:
            check = json.load(f)
        weights, _ = read_weights(args.weights)
        diff = max_abs_diff(pure_forward(weights, check['x']), check['outputs'])
        print(json.dumps({'max_abs_diff': diff}))
        sys.exit(0 if diff <= args.tol else 1)

    if torch is None:
        sys.exit('This script needs PyTorch: pip install torch')
    set_dtype(args.dtype)
    torch.manual_seed(SEED)
    model = Model()
    first_step = 0
    if os.path.exists(args.weights):
        metadata = load_weights(model, args.weights)
        first_step = int(metadata.get('step', '0'))
        print(f'loaded {args.weights} (trained for {first_step} steps)')
    else:
        print(f'{args.weights} not found: starting from PyTorch\'s default initialisation')
        if GATE_BIASES:
            init_gate_biases(model)

    if args.check:
        with open(args.check) as f:
            check = json.load(f)
        with torch.no_grad():
            out, _ = model(torch.tensor(check['x'], dtype=DTYPE))
        diff = max_abs_diff(out.tolist(), check['outputs'])
        print(json.dumps({'max_abs_diff': diff}))
        sys.exit(0 if diff <= args.tol else 1)

    task = make_task(args)
    if (task.input_size, task.output_size) != (INPUT_SIZE, OUTPUT_SIZE):
        sys.exit(f'The data gives X={task.input_size}, Y={task.output_size} but the model has X={INPUT_SIZE}, Y={OUTPUT_SIZE}: '
                 'use the data file the run trained on.')
    skip = 0 if args.fresh_stream else first_step
    if skip:
        print(f'drawing {skip} batches so the data continues where the playground stopped (--fresh-stream skips this)')
    train_rng, val_batch = playground_streams(task, skip)
    print('before:', evaluate(model, val_batch))
    if RESERVOIR and args.fit_readout:
        fit_readout(model, task.batch('train', max(BATCH, 64), T, train_rng))
        print('after the ridge readout:', evaluate(model, val_batch))
    if args.steps > 0:
        train(model, task, train_rng, val_batch, args.steps, first_step, args.eval_every)
        save_weights(model, args.save)
        print(f'saved {args.save}')
    if TASK == 'char' and args.sample > 0:
        print(sample(model, task, args.prime, args.sample, args.temperature, Rng(SEED)))


if __name__ == '__main__':
    main()
