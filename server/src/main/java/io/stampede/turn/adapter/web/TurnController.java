package io.stampede.turn.adapter.web;

import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import io.stampede.turn.application.Challenges;
import io.stampede.turn.application.Draws;
import io.stampede.turn.application.WaitingRoom;
import io.stampede.turn.port.RoomStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A sale's turns over HTTP (docs/fair-drops.md): the proof-of-work challenge, the waiting room and the draw. */
@RestController
class TurnController {
    private final SaleService sales;
    private final Challenges challenges;
    private final WaitingRoom room;
    private final Draws draws;

    TurnController(SaleService sales, Challenges challenges, WaitingRoom room, Draws draws) {
        this.sales = sales;
        this.challenges = challenges;
        this.room = room;
        this.draws = draws;
    }

    /** A join or an entry: empty, or with the proof of work. */
    record Proof(@Nullable String challenge, @Nullable String nonce) {}

    record RateChange(@Nullable Integer admitPerSecond) {}

    record RoomFigures(long admitted, long waiting, int admitPerSecond) {}

    record Winner(int rank, String userId) {}

    /** The published record of a draw, winners with their ranks. */
    record DrawView(
            String saleId,
            String state,
            Instant entriesOpenAt,
            Instant entriesCloseAt,
            long entries,
            long units,
            String seedHash,
            @Nullable String entriesHash,
            @Nullable String seed,
            @Nullable Instant drawnAt,
            List<Winner> winners) {}

    @GetMapping("/api/sales/{id}/challenge")
    Challenges.Challenge challenge(@PathVariable String id, HttpServletRequest request) {
        return challenges.issue(sale(id), Shopper.userId(request));
    }

    @PostMapping("/api/sales/{id}/room")
    ResponseEntity<WaitingRoom.Status> join(
            @PathVariable String id, @RequestBody(required = false) @Nullable Proof body, HttpServletRequest request) {
        Proof proof = body != null ? body : new Proof(null, null);
        return switch (room.join(sale(id), Shopper.userId(request), proof.challenge(), proof.nonce())) {
            case WaitingRoom.Joining.Joined j ->
                ResponseEntity.status(j.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(j.status());
            case WaitingRoom.Joining.NotOpen n -> throw ApiException.conflict(ErrorCode.SALE_NOT_ACTIVE, n.reason());
            case WaitingRoom.Joining.NoRoom n -> throw noRoom();
            case WaitingRoom.Joining.ChallengeFailed c ->
                throw ApiException.forbidden(ErrorCode.CHALLENGE_FAILED, c.reason());
        };
    }

    @GetMapping("/api/sales/{id}/room")
    WaitingRoom.Status place(@PathVariable String id, HttpServletRequest request) {
        Sale sale = sale(id);
        return room.status(sale, Shopper.userId(request))
                .orElseThrow(() -> ApiException.notFound("your place in this sale's waiting room"));
    }

    @PutMapping("/api/admin/sales/{id}/room")
    RoomFigures setRate(@PathVariable String id, @RequestBody RateChange body) {
        Integer rate = body.admitPerSecond();
        if (rate == null || !WaitingRoom.isValidRate(rate)) {
            throw ApiException.validation("admitPerSecond must be 1..100000");
        }
        RoomStore.Figures f = room.setRate(sale(id), rate).orElseThrow(TurnController::noRoom);
        return new RoomFigures(f.letThrough(), f.waiting(), f.admitPerSecond());
    }

    @PostMapping("/api/sales/{id}/entries")
    ResponseEntity<Draws.EntryStatus> enter(
            @PathVariable String id, @RequestBody(required = false) @Nullable Proof body, HttpServletRequest request) {
        Proof proof = body != null ? body : new Proof(null, null);
        return switch (draws.enter(sale(id), Shopper.userId(request), proof.challenge(), proof.nonce())) {
            case Draws.Entering.Entered e ->
                ResponseEntity.status(e.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(e.entry());
            case Draws.Entering.NotOpen n -> throw ApiException.conflict(ErrorCode.SALE_NOT_ACTIVE, n.reason());
            case Draws.Entering.NoDraw n -> throw noDraw();
            case Draws.Entering.ChallengeFailed c ->
                throw ApiException.forbidden(ErrorCode.CHALLENGE_FAILED, c.reason());
        };
    }

    @GetMapping("/api/sales/{id}/entries/me")
    Draws.EntryStatus entry(@PathVariable String id, HttpServletRequest request) {
        return draws.entry(sale(id), Shopper.userId(request))
                .orElseThrow(() -> ApiException.notFound("your entry in this sale's draw"));
    }

    @GetMapping("/api/sales/{id}/draw")
    DrawView draw(@PathVariable String id) {
        Draws.Published r = draws.record(sale(id)).orElseThrow(() -> ApiException.notFound("draw"));
        List<Winner> winners = new java.util.ArrayList<>(r.winners().size());
        for (int i = 0; i < r.winners().size(); i++) {
            winners.add(new Winner(i + 1, r.winners().get(i)));
        }
        return new DrawView(
                r.saleId(),
                r.state().name(),
                r.entriesOpenAt(),
                r.entriesCloseAt(),
                r.entries(),
                r.units(),
                r.seedHash(),
                r.entriesHash(),
                r.seed(),
                r.drawnAt(),
                winners);
    }

    @GetMapping("/api/sales/{id}/draw/entries")
    ResponseEntity<byte[]> entries(@PathVariable String id) {
        Sale sale = sale(id);
        if (sale.access() != Access.DRAW) { // not the whole published record, which orders every entrant
            throw ApiException.notFound("draw");
        }
        byte[] list = draws.entryList(sale)
                .orElseThrow(() -> ApiException.conflict(
                        ErrorCode.INVALID_STATE,
                        "the entry list is published when entries close at " + sale.startsAt()));
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .body(list);
    }

    private Sale sale(String id) {
        return sales.definition(id).orElseThrow(() -> ApiException.notFound("sale"));
    }

    private static ApiException noRoom() {
        return ApiException.conflict(ErrorCode.INVALID_STATE, "this sale has no waiting room");
    }

    private static ApiException noDraw() {
        return ApiException.conflict(ErrorCode.INVALID_STATE, "this sale is not a draw");
    }
}
