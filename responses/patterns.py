"""The words that tell automatic mail apart, by language: auto-replies, holding replies, bounces.

Rule: patterns only; ``responses.classify`` decides the order they are tried in. Subject
patterns match anywhere in the subject; body patterns are tried on the opening of the text
only, so a person's answer that mentions a holiday or a receipt further down stays an answer.
Each language is one line, so adding one is one line.
"""

from __future__ import annotations

import re

_AUTO_SUBJECTS = [
    r"out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|away from (the )?office"
    r"|on (annual )?leave|vacation (reply|notice)|absence notice",  # en
    r"abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|außer haus",  # de
    r"réponse automatique|absence du bureau|absent du bureau|message d'absence",  # fr
    r"respuesta automática|fuera de (la )?oficina|ausente",  # es
    r"risposta automatica|fuori (dall')?ufficio",  # it
    r"resposta automática|fora do escritório|ausência",  # pt
    r"automatisch antwoord|afwezig|niet op kantoor|buiten kantoor",  # nl
    r"автоматический ответ|автоответ|нет на месте|вне офиса",  # ru
    r"автоматична відповідь|автовідповідь|поза офісом",  # uk
    r"аўтаматычны адказ|аўтаадказ",  # be
    r"odpowiedź automatyczna|automatyczna odpowiedź|poza biurem|nieobecność",  # pl
    r"automatinis atsakymas|nesu darbe|ne biure",  # lt
    r"automātiskā atbilde|prombūtnē|nav birojā",  # lv
    r"automaatvastus|kontorist eemal",  # et
    r"automatiskt svar|frånvaro|ej på kontoret",  # sv
    r"automatisk svar|fraværende|ikke på kontoret",  # da, nb
    r"automaattinen vastaus|poissa toimistolta",  # fi
    r"automatická odpověď|automatická odpoveď|mimo kancelář|nepřítomnost",  # cs, sk
    r"automatikus válasz|házon kívül|irodán kívül",  # hu
    r"răspuns automat|în afara biroului",  # ro
    r"αυτόματη απάντηση|εκτός γραφείου",  # el
    r"otomatik (yanıt|cevap)|ofis dışında",  # tr
    r"自动回复|自動回覆|自動応答|不在通知",  # zh, ja
    r"(^|:\s*)(absence|absent)\b",  # fr/en one-word subjects
]
AUTO_SUBJECT = re.compile("|".join(f"(?:{p})" for p in _AUTO_SUBJECTS), re.IGNORECASE)

# Openings of out-of-office bodies (a mailer that set no header and kept the subject).
AUTO_BODY = re.compile(
    r"i am (currently )?out of (the )?office|i('m| am) (currently )?away|"
    r"ich bin (derzeit |zurzeit )?(nicht im büro|abwesend)|"
    r"я (сейчас )?(в отпуске|нахожусь в отпуске|отсутствую)|"
    r"je suis (actuellement )?absent",
    re.IGNORECASE,
)

_HOLDING = [
    r"(we|the ministry|the office) (will|shall) (reply|respond|answer|get back to you)"
    r"[^.]{0,40}(in due course|as soon as possible|shortly)|acknowledge(s)? receipt"
    r"|your (message|e-?mail|letter|correspondence|enquiry|request) (has been|was) "
    r"(received|registered|logged|forwarded)|this is an automated (acknowledgement|response)",  # en
    r"ihre (nachricht|e-?mail|anfrage|zuschrift) ist (bei uns )?eingegangen"
    r"|(wir )?bestätigen (ihnen )?den eingang|eingangsbestätigung",  # de
    r"nous accusons (bonne )?réception|accusé de réception"
    r"|votre (message|courriel|demande|courrier) a (bien )?été (reçue?|enregistrée?)",  # fr
    r"ваше (обращение|письмо|сообщение) (получено|зарегистрировано|принято)"
    r"|подтверждаем получение|уведомление о получении",  # ru
    r"ваше (звернення|повідомлення) (отримано|зареєстровано)|ваш лист отримано"
    r"|підтверджуємо отримання",  # uk
    r"ваш(а|ы)? (зварот|ліст)[^.]{0,20}атрыман",  # be
    r"hemos recibido su (mensaje|correo|solicitud|carta)|acusamos recibo|acuse de recibo",  # es
    r"abbiamo ricevuto (il suo|la sua)|confermiamo (la )?ricezione",  # it
    r"recebemos a sua (mensagem|solicitação|carta)|acusamos a rece(p)?ção",  # pt
    r"(wij hebben|we hebben) uw (bericht|e-?mail|brief) (in goede orde )?ontvangen"
    r"|ontvangstbevestiging",  # nl
    r"potwierdzamy (otrzymanie|odbiór)|wiadomość została (otrzymana|przyjęta|zarejestrowana)",  # pl
    r"jūsų (laiškas|pranešimas|kreipimasis|užklausa) (gautas|gauta|užregistruotas)"
    r"|patvirtiname,? kad gavome",  # lt
    r"jūsu (vēstule|ziņojums|iesniegums|e-pasts) (ir )?saņemt|apstiprinām saņemšanu",  # lv
    r"teie (kiri|pöördumine|sõnum) on (kätte )?saadud|kinnitame kättesaamist",  # et
    r"vi har tagit emot (ditt|din|ert)|mottagningsbekräftelse",  # sv
    r"potvrzujeme přijetí|vaše zpráva byla přijata",  # cs
    r"olemme vastaanottaneet|vastaanottokuittaus",  # fi
    r"(üzenetét|levelét) megkaptuk",  # hu
]
HOLDING = re.compile("|".join(f"(?:{p})" for p in _HOLDING), re.IGNORECASE)

_BOUNCE_SUBJECTS = [
    r"undeliver(able|ed)|mail delivery (failed|failure|subsystem)|delivery (status notification"
    r" \(failure\)|failure|failed|has failed|notification)|returned mail|failure notice"
    r"|non[- ]?deliver(able|y)|could not be delivered",  # en (Exchange, Exim, qmail, Lotus)
    r"nicht zustellbar|unzustellbar|non remis|non distribuable|no se puede entregar"
    r"|non recapitabile|onbestelbaar|не доставлено|недоставленное сообщение",  # others
]
BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:" + "|".join(f"(?:{p})" for p in _BOUNCE_SUBJECTS) + ")", re.IGNORECASE
)
BOUNCE_BODY = re.compile(
    r"delivery has failed to these recipients|your message (couldn't|could not|cannot) be "
    r"delivered|could not be delivered to one or more|was not delivered to|did not reach the "
    r"following recipient|the following recipient\(?s\)? (cannot|could not) be reached"
    r"|this is a permanent error|permanent fatal errors|user (unknown|not listed)"
    r"|mailbox (unavailable|not found|full)|recipient address rejected|message (was )?blocked",
    re.IGNORECASE,
)
DAEMON_SENDER = re.compile(
    r"mailer-daemon|daemon@|postmaster|mail delivery|mail ?system|webshield|lotus|domino"
    r"|microsoftexchange|administrator|smtp|mdaemon|no-?reply.*(mx|mail)",
    re.IGNORECASE,
)
