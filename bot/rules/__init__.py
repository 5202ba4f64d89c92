"""Pure game rules of RULES.md: no I/O, no asyncio, no discord, no database.

Plain dataclasses in (``model``), frozen result dataclasses out; every random
draw comes from a named stream of §9 (``rng.stream(seed, turn, purpose, ids...)``).
The turn pipeline calls one function per phase step, each inside its own DB
transaction:

Phase 1  ``decay.preparation(board)`` -> thresholds per (district, faction).
Phase 2  ``decay.resolve_decay(seed, turn, board)`` -> DecayResolution
         (``changes`` net negative per (district, faction); ``base_hits``,
         ``saturation_hits`` for the log; ``apply(influence)``).
Phase 3  ``dc.can_order_influence(board, district, faction)`` refuses gain/take
         at 10 [D-47]; ``rolls.InvalidOrder`` names incomplete orders.
Phase 4  ``penalties.assign_penalties(seed, turn, board, pieces, orders)`` ->
         [PenaltyAssignment]; ``penalties.penalty_totals(assignments)``;
         ``conflicts.detect_conflicts(seed, turn, board, pieces, orders,
         penalty_totals, support)`` -> ConflictDetection (initiate rolls,
         conflicts, no_opposition). ``turn.phase_conflict_detection`` chains them.
Phase 5  ``rolls.roll_action(...)`` per order (initiate orders reuse their
         phase-4 roll), ``rolls.roll_secondary_monitoring(...)`` per squadron with
         a non-monitor order; ``turn.phase_action_roll`` chains them. DCs come
         from ``dc.gain_dc`` / ``dc.take_dc`` / the order.
Phase 6  ``rulings.validate_ruling``, ``rulings.resolution_type``,
         ``rulings.faction_outcomes``, ``rulings.piece_effects``.
Phase 7  ``rolls.apply_conflict_penalty`` and
         ``influence.resolve_influence_actions(seed, turn, board, actions)``;
         ``turn.phase_action_resolution`` chains them with the rulings.
Phase 8  ``walk.random_walk(seed, turn, {district: value})``;
         ``turn.phase_random_walk(seed, turn, board)``.

``turn.resolve_phases_4_to_8`` runs 4–8 back to back with rulings from a
callback (benchmark, end-to-end tests). Monitoring (§8) lives in
``monitoring*.py`` and the newspaper in ``newspaper.py``.
"""
