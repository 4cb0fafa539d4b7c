def make_series(n, rng, tau=17, beta=0.2, gamma=0.1, power=10, dt=0.1, washout=1000):
    """Mackey-Glass dx/dt = beta x(t - tau) / (1 + x(t - tau)^power) - gamma x(t), classical RK4 at step dt
    (delayed values at half steps interpolated), sampled once per time unit after a washout."""
    stride = js_round(1 / dt)
    delay = js_round(tau / dt)
    total = js_round(washout / dt) + n * stride
    x = [1.2 + rng.uniform(-0.1, 0.1)] * (delay + total + 1)  # index delay + k is time k dt

    def f(now, delayed):
        return (beta * delayed) / (1 + math.pow(delayed, power)) - gamma * now

    for k in range(total):
        i = delay + k
        d_now, d_next = x[i - delay], x[i - delay + 1]
        d_half = 0.5 * (d_now + d_next)
        k1 = f(x[i], d_now)
        k2 = f(x[i] + 0.5 * dt * k1, d_half)
        k3 = f(x[i] + 0.5 * dt * k2, d_half)
        k4 = f(x[i] + dt * k3, d_next)
        x[i + 1] = x[i] + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
    first = delay + js_round(washout / dt)
    return [x[first + j * stride] for j in range(n)]
